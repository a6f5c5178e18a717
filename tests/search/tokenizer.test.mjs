// The tokenizer vectors shared with the Rust unit test (src/search/tokenize.rs): the theme's
// search.js must split every input into exactly the same tokens.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const search = require("../../themes/default/static/search.js");
const vectors = JSON.parse(
  readFileSync(new URL("../fixtures/search/tokenizer-vectors.json", import.meta.url), "utf8"),
);

test("the shared vectors tokenize the same in JavaScript", () => {
  assert.ok(vectors.tokens.length >= 20);
  for (const v of vectors.tokens) assert.deepEqual(search.tokens(v.input), v.tokens, v.input);
});

test("typo distance counts a transposition as one edit", () => {
  assert.equal(search.distance("postgress", "postgres", 2), 1);
  assert.equal(search.distance("postgress", "postgresql", 2), 2);
  assert.equal(search.distance("cahce", "cache", 1), 1);
  assert.equal(search.distance("redis", "kafka", 2), 3);
});

test("highlights cover whole words, never part of one", () => {
  const text = "Use PostgreSQL, not postgres-like C# code.";
  const marks = (terms) => search.spans(text, terms).map(([a, b]) => text.slice(a, b));
  assert.deepEqual(marks(["postgres", "postgr"]), ["PostgreSQL", "postgres"]);
  assert.deepEqual(marks(["c#"]), ["C#"]);
  assert.deepEqual(search.spans("数据库索引", ["据库"]).map(([a, b]) => "数据库索引".slice(a, b)), ["据库"]);
});
