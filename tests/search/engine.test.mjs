// The query side (themes/default/static/search.js) against the index backlot builds from
// tests/fixtures/search/site: ranking, section results, OR fallback, typo tolerance,
// technical tokens, unsegmented scripts and the "no results" state. Builds the fixture with
// $BACKLOT, or target/release/backlot, or `cargo run --release`.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { tmpdir } from "node:os";

const require = createRequire(import.meta.url);
const search = require("../../themes/default/static/search.js");
const repo = new URL("../../", import.meta.url).pathname;
let out, engine;

before(() => {
  out = join(mkdtempSync(join(tmpdir(), "search-fixture-")), "public");
  const site = join(repo, "tests/fixtures/search/site");
  const bin = process.env.BACKLOT || join(repo, "target/release/backlot");
  const args = ["build", "--root", site, "--output", out];
  if (existsSync(bin)) execFileSync(bin, args, { stdio: "pipe" });
  else execFileSync("cargo", ["run", "--release", "-q", "--", ...args], { cwd: repo, stdio: "pipe" });
  engine = new search.Engine((p) => Promise.resolve(JSON.parse(readFileSync(join(out, "search", p), "utf8"))));
});

// The first `n` results as [href, title], with the hrefs relative to the site's base.
async function top(q, n = 3) {
  const r = await engine.search(q);
  const marks = r.words.concat(r.terms);
  const rows = [];
  for (const h of r.hits.slice(0, n)) {
    const res = search.result(await engine.fragment(h.doc), h, marks);
    rows.push(res.href.replace("/docs/", ""));
  }
  return { mode: r.mode, rows, suggest: r.suggest, count: r.hits.length };
}

test("a title match ranks first; a section match opens at its heading", async () => {
  assert.equal((await top("testing")).rows[0], "guide/testing/");
  assert.equal((await top("caching")).rows[0], "guide/caching/");
  assert.deepEqual((await top("flaky")).rows, ["guide/testing/#flaky-tests"]);
  assert.equal((await top("invalidation")).rows[0], "guide/caching/#invalidation");
  assert.equal((await top("replica")).rows[0], "guide/glossary/#r", "the glossary entry's letter");
});

test("stems and prefixes: career change finds the page for career changers", async () => {
  assert.equal((await top("career change")).rows[0], "guide/career/");
  assert.equal((await top("tested")).rows[0], "guide/testing/");
  assert.equal((await top("postgres")).rows[0], "guide/testing/");
});

test("typos a letter or two away still match, with a suggestion when nothing else does", async () => {
  const r = await top("postgress");
  assert.equal(r.rows[0], "guide/testing/");
  assert.equal((await top("cachng")).rows[0], "guide/caching/");
  const s = await top("invalidatoin");
  assert.equal(s.rows[0], "guide/caching/#invalidation");
  assert.deepEqual(s.suggest, ["invalidation"]);
});

test("technical tokens are searchable", async () => {
  for (const q of ["C#", ".NET", "N+1", "HTTP/2"]) {
    assert.equal((await top(q)).rows[0]?.split("#")[0], "guide/dotnet/", q);
  }
  assert.equal((await top("HTTP/2")).rows[0], "guide/dotnet/#http2");
});

test("OR ranking when no page has every word; none is explicit", async () => {
  const both = await top("redis cache");
  assert.equal(both.mode, "and");
  assert.equal(both.rows[0], "guide/caching/#redis");
  const or = await top("redis flaky");
  assert.equal(or.mode, "or");
  assert.ok(or.count >= 2);
  const none = await top("zebra");
  assert.equal(none.mode, "none");
  assert.equal(none.count, 0);
  assert.equal((await top("the")).mode, "and", "a query of stop words alone still searches");
});

test("unsegmented scripts by substring, Hindi and folded Latin by word", async () => {
  assert.equal((await top("索引")).rows[0], "guide/scripts/");
  assert.equal((await top("据库")).rows[0], "guide/scripts/");
  assert.equal((await top("हिन्दी")).rows[0], "guide/scripts/");
  assert.equal((await top("istanbul")).rows[0], "guide/scripts/");
  assert.equal((await top("İSTANBUL")).rows[0], "guide/scripts/");
  assert.equal((await top("strasse")).rows[0], "guide/scripts/");
});
