#!/usr/bin/env node
// What a first query downloads from a built site's search index: the gzipped sizes of the
// manifest, the shards and the fragment files that one query (with its first page of ten
// results) loads, each query in a fresh browser session. search.js itself is listed apart.
//
//   node bench/search/query-size.mjs SITE_DIR [query ...]
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [dir, ...given] = process.argv.slice(2);
if (!dir) { console.error("usage: query-size.mjs SITE_DIR [query ...]"); process.exit(2); }
const site = resolve(dir);
const require = createRequire(import.meta.url);
const search = require(new URL("../../themes/default/static/search.js", import.meta.url).pathname);
const queries = given.length ? given : ["redis cache", "request handler", "postgres", "testing", "the", "connection pool timeout", "kubernetes deployment", "postgress", "C#", "N+1"];
const gz = (path) => gzipSync(readFileSync(join(site, path))).length;

let worst = 0;
for (const q of queries) {
  const loaded = new Map();
  const engine = new search.Engine((path) => {
    loaded.set(path, gz(join("search", path)));
    return Promise.resolve(JSON.parse(readFileSync(join(site, "search", path), "utf8")));
  });
  const r = await engine.search(q);
  for (const h of r.hits.slice(0, 10)) await engine.fragment(h.doc);
  const total = [...loaded.values()].reduce((a, b) => a + b, 0);
  worst = Math.max(worst, total);
  const kinds = (p) => [...loaded].filter(([k]) => k.startsWith(p)).reduce((a, [, v]) => a + v, 0);
  console.log(`${(total / 1024).toFixed(1).padStart(6)} KB gz  ${JSON.stringify(q).padEnd(28)} ` +
    `manifest ${(kinds("index") / 1024).toFixed(1)}, ${[...loaded.keys()].filter((k) => k[0] === "s").length} shards ${(kinds("s") / 1024).toFixed(1)}, ` +
    `${[...loaded.keys()].filter((k) => k[0] === "f").length} fragment files ${(kinds("f") / 1024).toFixed(1)}; ${r.hits.length} results (${r.mode})`);
}
console.log(`largest first query: ${(worst / 1024).toFixed(1)} KB gzipped; search.js ${(gz("search.js") / 1024).toFixed(1)} KB gzipped`);
