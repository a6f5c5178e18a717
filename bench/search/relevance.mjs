#!/usr/bin/env node
// Search relevance of a built site: the mean reciprocal rank (MRR) of the theme's own search
// (themes/default/static/search.js, run in node against the site's search/ files) over a
// query set, and with --pagefind the same for Pagefind indexing the same HTML.
//
//   node bench/search/relevance.mjs SITE_DIR [--queries tests/search/queries.json]
//        [--base /backlot/] [--min 0.9] [--pagefind] [--verbose]
//
// --base defaults to the base path the site's home page states. --pagefind needs the npm
// package (`npm install pagefind`, where node resolves it from bench/search/).
//
// SITE_DIR is a build's output folder. A query's rank is the position (1..10) of the first
// result whose URL is one of the expected ones (an expected URL with #anchor must match the
// heading the result opens at); no such result in the first 10 counts 0.
import { readFileSync, existsSync, mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const site = resolve(args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--q") && !args[i - 1]?.match(/^--(base|min|queries)$/)) || "public");
const here = new URL("../../", import.meta.url).pathname;
const set = JSON.parse(readFileSync(opt("--queries", join(here, "tests/search/queries.json")), "utf8"));
// The site's base path, as the pages state it (<html data-base>), unless given.
const home = join(site, "index.html");
const stated = existsSync(home) && /data-base="([^"]*)"/.exec(readFileSync(home, "utf8"));
const base = opt("--base", stated ? stated[1] : "/");
const verbose = args.includes("--verbose");
const require = createRequire(import.meta.url);
const search = require(join(here, "themes/default/static/search.js"));

const rel = (href) => (href.startsWith(base) ? href.slice(base.length) : href.replace(/^\//, ""));
// `hrefs[i]` is a result's URL, or the list of URLs a result shows (Pagefind's page and its
// sub-results: any of them counts).
function rank(hrefs, expected) {
  for (let i = 0; i < Math.min(10, hrefs.length); i++) {
    const hs = [].concat(hrefs[i]).map(rel);
    if (hs.some((h) => expected.some((e) => (e.includes("#") ? h === e : h.split("#")[0] === e)))) return i + 1;
  }
  return 0;
}
function report(name, ranks) {
  const mrr = ranks.reduce((s, r) => s + (r ? 1 / r : 0), 0) / ranks.length;
  const first = ranks.filter((r) => r === 1).length;
  console.log(`${name}: MRR ${mrr.toFixed(3)} over ${ranks.length} queries, ${first} first, ${ranks.filter((r) => !r).length} missed`);
  return mrr;
}

async function backlot() {
  const engine = new search.Engine((path) =>
    Promise.resolve(JSON.parse(readFileSync(join(site, "search", path), "utf8"))));
  const ranks = [];
  for (const { q, url } of set.queries) {
    const r = await engine.search(q);
    const marks = r.words.concat(r.terms);
    const hrefs = [];
    for (const h of r.hits.slice(0, 10)) hrefs.push(search.result(await engine.fragment(h.doc), h, marks).href);
    ranks.push(rank(hrefs, url));
    if (verbose || !ranks.at(-1)) console.log(`  ${ranks.at(-1) || "-"}\t${q}\t${hrefs.slice(0, 3).map(rel).join("  ")}`);
  }
  return report("backlot", ranks);
}

async function pagefind() {
  const pf = await import("pagefind").catch(() => null);
  if (!pf) { console.log("pagefind: not installed (npm install pagefind)"); return null; }
  const out = mkdtempSync(join(tmpdir(), "pagefind-"));
  const { index } = await pf.createIndex({ rootSelector: "main" });
  await index.addDirectory({ path: site });
  await index.writeFiles({ outputPath: out });
  await pf.close();
  // The browser bundle, run in node: its fetches of its own files read them from disk.
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (u) => {
    const p = new URL(String(u)).pathname;
    const bytes = readFileSync(p);
    return new Response(bytes);
  };
  const bundle = await import(pathToFileURL(join(out, "pagefind.js")).href);
  await bundle.options({ basePath: pathToFileURL(out).href + "/", baseUrl: "/" });
  await bundle.init();
  const ranks = [];
  for (const { q, url } of set.queries) {
    const res = await bundle.search(q);
    const data = await Promise.all(res.results.slice(0, 10).map((r) => r.data()));
    const hrefs = data.map((d) => [d.url].concat((d.sub_results || []).map((s) => s.url)));
    ranks.push(rank(hrefs, url));
    if (verbose || !ranks.at(-1)) console.log(`  ${ranks.at(-1) || "-"}\t${q}\t${hrefs.slice(0, 3).map((h) => rel([].concat(h)[0])).join("  ")}`);
  }
  globalThis.fetch = realFetch;
  return report("pagefind", ranks);
}

if (!existsSync(join(site, "search", "index.json"))) {
  console.error(`relevance: ${site}/search/index.json not found; build the site first`);
  process.exit(2);
}
const mrr = await backlot();
if (args.includes("--pagefind")) await pagefind();
const min = Number(opt("--min", "0"));
if (mrr < min) { console.error(`relevance: MRR ${mrr.toFixed(3)} is below ${min}`); process.exit(1); }
