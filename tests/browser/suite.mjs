// The default theme in a real browser. Builds a copy of the Field Guide (plus the pages in
// fixtures/) under a subpath base_url, serves it under /backlot/ like GitHub Pages, drives
// headless Chromium through search, theme toggle, tabs, copy buttons and the mobile menu, runs
// axe-core, saves screenshots, then checks every built page with the Nu Html Checker.
//
// Environment: BACKLOT (binary, default target/release/backlot), BACKLOT_ROOT (site, default
// the repository), BUILD_FLAGS (extra build arguments, e.g. --drafts), CI (a browser that
// cannot start is a failure, not a skip), ONLY=browser|html|variants (variants: only the
// languages-and-versions fixture, see `variantTests`).
import fs from "node:fs";
import os from "node:os";
import zlib from "node:zlib";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const siteRoot = path.resolve(process.env.BACKLOT_ROOT || repo);
const bin = path.resolve(repo, process.env.BACKLOT || "target/release/backlot");
const shots = path.join(repo, "target/screenshots");
const PREFIX = "/backlot/";
const CI = !!process.env.CI && process.env.CI !== "false";
const results = [];

async function test(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, e]);
    console.log(`FAIL ${name}\n     ${String(e && e.stack || e).split("\n").slice(0, 6).join("\n     ")}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

// A copy of the site with the fixture pages added, so the real content is never touched.
function prepareSite() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backlot-browser-"));
  for (const name of ["site.toml", "content", "data", "static", "themes", "snippets", "examples"]) {
    const from = path.join(siteRoot, name);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(tmp, name), { recursive: true });
  }
  fs.cpSync(path.join(here, "fixtures"), path.join(tmp, "content"), { recursive: true });
  return tmp;
}

function build(tmp, port) {
  const out = path.join(tmp, "public");
  const flags = (process.env.BUILD_FLAGS || "").split(" ").filter(Boolean);
  const args = ["build", "--root", tmp, "--output", out, "--base-url", `http://127.0.0.1:${port}${PREFIX}`, ...flags];
  const r = spawnSync(bin, args, { encoding: "utf8" });
  process.stdout.write(r.stdout);
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    throw new Error(`backlot build failed (exit ${r.status})`);
  }
  return out;
}

async function launch() {
  try {
    return await chromium.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  } catch (e) {
    if (CI) throw new Error(`the browser cannot start (CI is set, so this fails): ${e.message}`);
    console.log(`SKIP browser tests: the browser cannot start (${e.message.split("\n")[0]})`);
    return null;
  }
}

async function browserTests(base) {
  const browser = await launch();
  if (!browser) return;
  const problems = [];
  const axeSource = fs.readFileSync(path.join(here, "node_modules/axe-core/axe.min.js"), "utf8");
  fs.mkdirSync(shots, { recursive: true });

  async function context(opts = {}) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light", ...opts });
    ctx.on("page", watch);
    return ctx;
  }
  // Every page visited: console errors, uncaught exceptions, failed or non-2xx requests, dialogs.
  function watch(page) {
    page.on("console", (m) => { if (m.type() === "error") problems.push(`${page.url()}: console error: ${m.text()}`); });
    page.on("pageerror", (e) => problems.push(`${page.url()}: uncaught: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`${r.url()}: request failed: ${r.failure()?.errorText}`));
    page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.url()}: HTTP ${r.status()}`); });
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (u.protocol !== "data:" && u.origin !== new URL(page.url() === "about:blank" ? r.url() : page.url()).origin) problems.push(`${r.url()}: request leaves the site`);
    });
    page.on("dialog", (d) => { problems.push(`${page.url()}: dialog opened: ${d.message()}`); d.dismiss(); });
  }
  async function axe(page, label) {
    await page.addScriptTag({ content: axeSource });
    const r = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      // Off by default in axe even when its tag is asked for: WCAG 2.2's 24 px target size.
      rules: { "target-size": { enabled: true } },
    }));
    const v = r.violations.map((x) => `${x.id} (${x.impact}): ${x.help}\n       ${x.nodes.slice(0, 4).map((n) => n.target.join(" ")).join("\n       ")}`);
    assert(!v.length, `axe on ${label}:\n     ${v.join("\n     ")}`);
  }
  async function searchFor(page, q) {
    await page.keyboard.press("/");
    await page.keyboard.type(q);
    await page.locator(".search-list a").first().waitFor({ timeout: 5000 });
  }
  const url = (p = "") => base + p;

  const ctx = await context();
  const page = await ctx.newPage();

  await test("search finds a page by its title and opens it by keyboard", async () => {
    await page.goto(url());
    await searchFor(page, "quokka");
    const titles = await page.locator(".search-list .sr-title").allTextContents();
    assert(titles[0] === "Tabbed examples fixture", `first result: ${titles[0]}`);
    assert(await page.locator(".search-list mark").first().textContent() === "quokka", "the match is marked");
    await page.keyboard.press("ArrowDown");
    const active = await page.evaluate(() => {
      const input = document.activeElement, id = input.getAttribute("aria-activedescendant");
      return { focus: input.id, id, selected: id && document.getElementById(id).getAttribute("aria-selected") };
    });
    assert(active.focus === "search-input" && active.id === "sr-0" && active.selected === "true", `arrow selects the first option: ${JSON.stringify(active)}`);
    await Promise.all([page.waitForURL(/browser-test\/tabs-one\//), page.keyboard.press("Enter")]);
  });

  await test("search is a combobox: Ctrl-K opens, Escape closes in one press, ?q= is shareable", async () => {
    await page.goto(url());
    await page.keyboard.press("Control+k");
    assert(await page.evaluate(() => document.activeElement.id) === "search-input", "Ctrl-K focuses the box");
    await page.keyboard.type("quokka");
    // Results can show for a prefix ("quok") while typing goes on: wait for the whole query.
    await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "quokka", null, { timeout: 5000 });
    await page.locator(".search-list a").first().waitFor({ timeout: 5000 });
    const roles = await page.evaluate(() => {
      const input = document.getElementById("search-input"), list = document.getElementById(input.getAttribute("aria-controls"));
      return [input.getAttribute("role"), input.getAttribute("aria-expanded"), list.getAttribute("role"),
        list.querySelector("a").getAttribute("role"), new URL(location.href).searchParams.get("q")];
    });
    assert(JSON.stringify(roles) === JSON.stringify(["combobox", "true", "listbox", "option", "quokka"]), `roles: ${roles}`);
    await page.keyboard.press("Escape");
    const closed = await page.evaluate(() => [document.getElementById("search-results").hidden, document.getElementById("search-input").getAttribute("aria-expanded"), document.activeElement.id]);
    assert(JSON.stringify(closed) === JSON.stringify([true, "false", "search-input"]), `one Escape closes: ${closed}`);
    await page.goto(url("?q=quokka"));
    await page.locator(".search-list a").first().waitFor({ timeout: 5000 });
    assert(await page.locator("#search-input").inputValue() === "quokka", "?q= fills the box and shows results");
  });

  await test("search ranks title above heading above body", async () => {
    await page.goto(url());
    await searchFor(page, "marmoset");
    const titles = await page.locator(".search-list .sr-title").allTextContents();
    assert(JSON.stringify(titles.slice(0, 3)) === JSON.stringify(["Marmoset ranking fixture", "Ranking fixture B", "Ranking fixture A"]), `order: ${titles}`);
    const href = await page.locator(".search-list a").nth(1).getAttribute("href");
    assert(href.endsWith("#about-the-marmoset"), `heading result links to its heading: ${href}`);
  });

  await test("search shows markup in a page title as text", async () => {
    await page.goto(url());
    await searchFor(page, "ocelot");
    const title = await page.locator(".search-list .sr-title").first().textContent();
    assert(title === "Escaping <img src=x onerror=alert(1)> check", `title shown: ${title}`);
    assert(await page.locator(".search-results img").count() === 0, "no element made from page text");
    await page.keyboard.type(" <b>x");
    await page.waitForTimeout(300);
    assert(await page.locator(".search-results b").count() === 0, "query is not parsed as HTML");
  });

  await test("search results pass axe (light and dark) and are screenshotted", async () => {
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(url());
      await searchFor(page, "cache");
      await axe(page, `search results (${scheme})`);
      await page.screenshot({ path: path.join(shots, `search-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: "light" });
  });

  await test("theme toggle cycles system, light, dark and is remembered across a reload", async () => {
    await page.goto(url());
    const html = page.locator("html");
    const name = () => page.locator(".theme-toggle .visually-hidden").textContent();
    assert(await html.getAttribute("data-theme") === null, "follows the system at first");
    assert(await name() === "Theme: follow the system", `named: ${await name()}`);
    await page.click(".theme-toggle");
    assert(await html.getAttribute("data-theme") === "light", "then light");
    await page.click(".theme-toggle");
    assert(await html.getAttribute("data-theme") === "dark", "then dark");
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert(bg === "rgb(18, 21, 23)", `dark background: ${bg}`);
    await page.reload();
    assert(await html.getAttribute("data-theme") === "dark", "still dark after reload");
    assert(await name() === "Theme: dark", "button names the theme");
    await page.click(".theme-toggle");
    await page.reload();
    assert(await html.getAttribute("data-theme") === null, "back to following the system, remembered");
  });

  await test("choosing a tab switches every group and carries to another page", async () => {
    await page.goto(url("browser-test/tabs-one/"));
    const checked = () => page.$$eval(".tab-radio:checked", (rs) => rs.map((r) => r.dataset.tab));
    assert(JSON.stringify(await checked()) === '["Node.js","Node.js"]', "first tabs at first");
    await page.locator(".tabs").first().locator("label", { hasText: "Go" }).click();
    assert(JSON.stringify(await checked()) === '["Go","Go"]', `both groups on Go: ${await checked()}`);
    assert(await page.locator(".tabs").nth(1).locator(".tab-panel[data-tab='Go']").isVisible(), "second group shows Go");
    await page.goto(url("browser-test/tabs-two/"));
    assert(JSON.stringify(await checked()) === '["Go"]', `Go chosen on the next page: ${await checked()}`);
    await page.locator("label", { hasText: "Java" }).click();
    await page.goto(url("browser-test/tabs-one/"));
    assert(JSON.stringify(await checked()) === '["Go","Go"]', "a label a group lacks falls back to the earlier choice");
  });

  await test("the copy button copies the block's text", async () => {
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(base).origin });
    await page.goto(url("browser-test/tabs-one/"));
    const fig = page.locator("figure.code-block", { hasText: "a plain block to copy" });
    await fig.hover();
    await fig.locator(".copy-button").click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert(copied === 'echo "a plain block to copy"', `clipboard: ${JSON.stringify(copied)}`);
    assert((await fig.locator(".copy-button").textContent()).includes("Copied"), "button says Copied");
  });

  await test("the table of contents marks the heading being read", async () => {
    await page.goto(url("browser-test/tabs-one/"));
    await page.locator("#a-table").scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById("callouts").scrollIntoView());
    await page.waitForTimeout(200);
    const active = await page.locator(".toc a.active").textContent();
    assert(active === "Callouts", `active: ${active}`);
  });

  await test("a mermaid diagram is drawn by the site's own script, follows the theme and passes axe", async () => {
    const p = await ctx.newPage();
    watch(p);
    await p.goto(url("stacks/architecture/web-servers/"));
    await p.locator("pre.mermaid svg").first().waitFor({ timeout: 15000 });
    const fill = () => p.evaluate(() => getComputedStyle(document.querySelector("pre.mermaid svg .actor")).fill);
    const light = await fill();
    await p.evaluate(() => document.documentElement.setAttribute("data-theme", "dark"));
    await p.waitForFunction((before) => {
      const a = document.querySelector("pre.mermaid svg .actor");
      return a && getComputedStyle(a).fill !== before;
    }, light, { timeout: 15000 });
    await axe(p, "diagram page (dark)");
    await p.evaluate(() => document.documentElement.removeAttribute("data-theme"));
    await p.goto(url());
    const home = await p.evaluate(() => [...document.scripts].map((s) => s.src).filter((s) => s.includes("mermaid")));
    assert(!home.length, `the home page loads no diagram script: ${home}`);
    await p.close();
  });

  await test("the skip link is the first stop and moves focus to the content", async () => {
    await page.goto(url("browser-test/tabs-one/"));
    await page.keyboard.press("Tab");
    assert(await page.evaluate(() => document.activeElement.className) === "skip-link", "first tab stop");
    await page.keyboard.press("Enter");
    assert(await page.evaluate(() => document.activeElement.id) === "main", "focus on main");
  });

  const pages = [["home", ""], ["section", "stacks/"], ["page", "start-here/"], ["tabs-and-code", "browser-test/tabs-one/"],
    ["components", "browser-test/components/"], ["tag", "tags/browser-test/"], ["tags", "tags/"], ["404", "404.html"],
    ["roadmap-shortcode", "careers/roadmap-map/"]];
  await test("axe finds no violations on every page type in both themes at 1280 and 390 px", async () => {
    for (const width of [1280, 390]) {
      const c = await context({ viewport: { width, height: 844 } });
      const p = await c.newPage();
      for (const scheme of ["light", "dark"]) {
        await p.emulateMedia({ colorScheme: scheme });
        for (const [name, u] of pages) {
          await p.goto(url(u));
          await axe(p, `${name} (${scheme}, ${width} px)`);
        }
      }
      await c.close();
    }
  });

  await test("the 11th tab of a group displays its panel", async () => {
    await page.goto(url("browser-test/components/"));
    await page.locator("label", { hasText: "T11" }).click();
    const panel = page.locator(".tab-panel[data-tab='T11']");
    assert(await panel.isVisible(), "11th panel shown");
    assert((await panel.textContent()).includes("panel number 11"), "its text");
    assert(!(await page.locator(".tab-panel[data-tab='T1']").isVisible()), "the first is hidden");
  });

  await test("copying a shell transcript leaves out prompts and output", async () => {
    await page.goto(url("browser-test/components/"));
    const fig = page.locator("figure.code-block.terminal");
    assert(await fig.locator(".code-lang").textContent() === "Terminal", "labelled Terminal");
    await fig.locator(".copy-button").click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert(copied === "echo one \\\n    two\nls /srv", `clipboard: ${JSON.stringify(copied)}`);
  });

  await test("the copy button sits in the header bar, not over the code", async () => {
    await page.goto(url("browser-test/components/"));
    const fig = page.locator("figure.code-block", { hasText: "a very long line" });
    assert(await fig.locator(".code-lang").textContent() === "python", "language label");
    const btn = await fig.locator(".copy-button").boundingBox(), pre = await fig.locator("pre").boundingBox();
    assert(btn.y + btn.height <= pre.y + 1, `button ${JSON.stringify(btn)} above code ${JSON.stringify(pre)}`);
  });

  await test("wide tables and code scroll in their own frame, from the keyboard", async () => {
    await page.goto(url("browser-test/components/"));
    for (const sel of [".table-wrap", "figure.code-block:has-text('a very long line') pre"]) {
      const frame = page.locator(sel).first();
      const [sw, cw] = await frame.evaluate((e) => [e.scrollWidth, e.clientWidth]);
      assert(sw > cw, `${sel} overflows its frame (${sw} > ${cw})`);
      assert(await frame.getAttribute("tabindex") === "0", `${sel} is focusable`);
      await frame.focus();
      await page.keyboard.press("ArrowRight");
      await page.waitForTimeout(100);
      assert(await frame.evaluate((e) => e.scrollLeft) > 0, `${sel} scrolls with the arrow key`);
    }
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(w <= 1280, `the page itself does not scroll sideways (${w})`);
  });

  await test("the text column starts at the same place with and without a contents list", async () => {
    const left = async (u) => { await page.goto(url(u)); return (await page.locator("main article").boundingBox()).x; };
    const a = await left("browser-test/tabs-one/"), b = await left("browser-test/tabs-two/");
    assert(Math.abs(a - b) < 1, `column at ${a} and ${b}`);
  });

  await test("Open Graph and Twitter card tags are present", async () => {
    await page.goto(url("start-here/"));
    const meta = (k) => page.locator(`meta[property='${k}'], meta[name='${k}']`).getAttribute("content");
    assert((await meta("og:title")).length > 0, "og:title");
    assert((await meta("og:description")).length > 0, "og:description");
    assert((await meta("og:url")).endsWith("/start-here/"), `og:url ${await meta("og:url")}`);
    assert((await meta("og:site_name")).length > 0, "og:site_name");
    assert(await meta("twitter:card") === "summary", "twitter:card");
  });

  await test("print shows every tab panel with its label, light, without navigation", async () => {
    const c = await context({ colorScheme: "dark" });
    const p = await c.newPage();
    await p.goto(url("browser-test/components/"));
    await p.emulateMedia({ media: "print", colorScheme: "dark" });
    assert(await p.locator(".tab-panel[data-tab='T11']").isVisible(), "an unchosen panel prints");
    assert(await p.locator(".tab-label", { hasText: "T11" }).isVisible(), "with its label");
    assert(!(await p.locator(".sidebar").isVisible()) && !(await p.locator(".site-header").isVisible()), "no sidebar or header");
    const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert(bg === "rgb(255, 255, 255)", `light when printed: ${bg}`);
    const ws = await p.locator("pre.code").first().evaluate((e) => getComputedStyle(e).whiteSpace);
    assert(ws === "pre-wrap", `code wraps: ${ws}`);
    await c.close();
  });

  await test("the mobile header is compact and has no / hint on touch screens", async () => {
    const c = await context({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const p = await c.newPage();
    await p.goto(url("browser-test/tabs-one/"));
    const h = (await p.locator(".site-header").boundingBox()).height;
    assert(h <= 0.07 * 844, `header ${h}px tall`);
    assert(!(await p.locator(".search-key").isVisible()), "no / hint");
    const crumbs = (await p.locator(".breadcrumbs ol").boundingBox()).height;
    assert(crumbs < 30, `breadcrumbs on one line (${crumbs}px)`);
    await p.goto(url());
    const track = await p.locator(".tracks a").first().boundingBox();
    assert(track && track.y + track.height <= 844, `first track above the fold at 390x844 (${JSON.stringify(track)})`);
    await c.close();
  });

  await test("the home page's tracks are above the fold at 1280x800", async () => {
    const c = await context({ viewport: { width: 1280, height: 800 } });
    const p = await c.newPage();
    await p.goto(url());
    const track = await p.locator(".tracks a").first().boundingBox();
    assert(track && track.y + track.height <= 800, `first track at ${JSON.stringify(track)}`);
    await c.close();
  });

  await test("screenshots of every page type at 1280 and 390 px, light and dark", async () => {
    for (const [w, h] of [[1280, 900], [390, 844]]) {
      const c = await context({ viewport: { width: w, height: h } });
      const p = await c.newPage();
      for (const scheme of ["light", "dark"]) {
        await p.emulateMedia({ colorScheme: scheme });
        for (const [name, u] of pages) {
          await p.goto(url(u));
          await p.screenshot({ path: path.join(shots, `${name}-${scheme}-${w}.png`), fullPage: w < 400 });
        }
      }
      await c.close();
    }
  });

  await test("no page scrolls sideways at 320 px", async () => {
    const c = await context({ viewport: { width: 320, height: 700 } });
    const p = await c.newPage();
    for (const [name, u] of pages) {
      await p.goto(url(u));
      const w = await p.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= 320, `${name} is ${w}px wide`);
    }
    await c.close();
  });

  await test("the mobile menu opens at 375 px without JavaScript", async () => {
    const c = await context({ viewport: { width: 375, height: 812 }, javaScriptEnabled: false });
    const p = await c.newPage();
    await p.goto(url("stacks/"));
    const sidebar = p.locator("#sidebar");
    assert(!(await sidebar.isVisible()), "menu closed at first");
    await p.click(".menu-button");
    await p.waitForTimeout(300);
    assert(await sidebar.isVisible(), "menu open after choosing Menu");
    const box = await sidebar.boundingBox();
    assert(box && box.x >= 0 && box.width > 200, `menu on screen: ${JSON.stringify(box)}`);
    await p.screenshot({ path: path.join(shots, "menu-open-375.png") });
    await p.locator("#sidebar a", { hasText: "Start here" }).first().click();
    await p.waitForURL(/start-here\//);
    await c.close();
  });

  await test("tabs work with JavaScript off", async () => {
    const c = await context({ javaScriptEnabled: false });
    const p = await c.newPage();
    await p.goto(url("browser-test/tabs-one/"));
    const group = p.locator(".tabs").first();
    await group.locator("label", { hasText: "Python" }).click();
    assert(await group.locator(".tab-panel[data-tab='Python']").isVisible(), "Python panel shown");
    assert(!(await group.locator(".tab-panel[data-tab='Node.js']").isVisible()), "Node.js panel hidden");
    await c.close();
  });

  await test("a missing page under the subpath shows the styled 404 page", async () => {
    const c = await context();
    const p = await c.newPage();
    const r = await p.goto(url("no/such/page/"));
    assert(r.status() === 404, `status ${r.status()}`);
    assert(await p.locator("h1").textContent() === "Page not found", "404 heading");
    assert(await p.locator("#search-input").count() === 1, "a search box");
    await p.click(".search-open");
    assert(await p.evaluate(() => document.activeElement.id) === "search-input", "its button opens the search");
    assert(await p.locator(".not-found-sections a").count() > 1, "links to the main sections");
    // The 404 response itself is expected; anything else it loads must succeed.
    for (let i = problems.length - 1; i >= 0; i--) if (problems[i].includes("no/such/page/")) problems.splice(i, 1);
    await c.close();
  });

  await test("no console errors, exceptions or failed requests on any visited page", async () => {
    assert(!problems.length, problems.join("\n     "));
  });
  await browser.close();
}

// Every HTML file of the build through the Nu Html Checker, and the theme's weight.
async function htmlTests(out) {
  await test("the theme's CSS and JavaScript stay under 30 KB gzipped", async () => {
    const parts = ["theme.css", "theme.js"].map((f) => fs.readFileSync(path.join(out, f)));
    const home = fs.readFileSync(path.join(out, "index.html"), "utf8");
    parts.push(Buffer.from(home.match(/<script>([\s\S]*?)<\/script>/)[1]));
    const gz = zlib.gzipSync(Buffer.concat(parts), { level: 9 }).length;
    console.log(`     theme.css + theme.js + inline script: ${parts.reduce((a, b) => a + b.length, 0)} bytes, ${gz} gzipped`);
    assert(gz < 30 * 1024, `${gz} bytes gzipped`);
  });
  await test("every built page passes the Nu Html Checker", async () => vnu(out));
}

// The languages and versions fixture (tests/fixtures/variants/site: English, Arabic written
// right to left, Chinese; a current version and v1), built and served like the Field Guide:
// the switchers keep the reader on the same page, search finds words of each language, the
// Arabic layout mirrors, and axe and vnu stay clean on its pages.
async function variantTests() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backlot-variants-"));
  fs.cpSync(path.join(repo, "tests/fixtures/variants/site"), tmp, { recursive: true });
  const { server, port } = await serve(path.join(tmp, "public"), PREFIX);
  const base = `http://127.0.0.1:${port}${PREFIX}`;
  try {
    const out = build(tmp, port);
    const browser = process.env.ONLY === "html" ? null : await launch();
    if (browser) await variantBrowserTests(browser, base);
    if (browser) await browser.close();
    if (process.env.ONLY !== "browser") {
      await test("variants: every page of every language and version passes the Nu Html Checker", async () => {
        vnu(out);
      });
    }
  } finally {
    server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function variantBrowserTests(browser, base) {
  const axeSource = fs.readFileSync(path.join(here, "node_modules/axe-core/axe.min.js"), "utf8");
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await ctx.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`${page.url()}: console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`${page.url()}: uncaught: ${e.message}`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.url()}: HTTP ${r.status()}`); });
  const url = (p = "") => base + p;
  async function choose(kind, label) {
    await page.locator(`.switcher-${kind} summary`).click();
    await page.locator(`.switcher-${kind} a`, { hasText: label }).click();
    await page.waitForLoadState();
  }

  await test("variants: the language switcher keeps the page, else leads to the language's home", async () => {
    await page.goto(url("guide/install/"));
    await choose("language", "العربية");
    assert(page.url() === url("ar/guide/install/"), `now at ${page.url()}`);
    assert(await page.locator("h1").textContent() === "التثبيت", "the Arabic page");
    await choose("language", "中文");
    assert(page.url() === url("zh/guide/install/"), `now at ${page.url()}`);
    await page.goto(url("guide/configure/"));
    await choose("language", "العربية");
    assert(page.url() === url("ar/"), `an untranslated page leads home: ${page.url()}`);
  });

  await test("variants: the version switcher keeps the page, and an old version points at the current one", async () => {
    await page.goto(url("guide/install/"));
    await choose("version", "v1 (old)");
    assert(page.url() === url("v1/guide/install/"), `now at ${page.url()}`);
    const banner = page.locator(".version-banner a");
    assert(await banner.getAttribute("href") === new URL(url("guide/install/")).pathname, "the banner leads to the same page now");
    await choose("version", "v2");
    assert(page.url() === url("guide/install/"), `back at ${page.url()}`);
    await page.goto(url("guide/configure/"));
    await choose("version", "v1 (old)");
    assert(page.url() === url("v1/"), `a page v1 lacks leads to its home: ${page.url()}`);
  });

  await test("variants: search finds words in each language, in its own index", async () => {
    for (const [u, q, title] of [["guide/", "heliotrope", "Install"], ["ar/guide/", "الياسمين", "التثبيت"],
      ["zh/guide/", "索引", "安装"], ["v1/", "marigold", "Install (v1)"]]) {
      await page.goto(url(u));
      await page.keyboard.press("/");
      await page.keyboard.type(q);
      await page.locator(".search-list a").first().waitFor({ timeout: 5000 });
      const titles = await page.locator(".search-list .sr-title").allTextContents();
      assert(titles[0] === title, `${q} on ${u}: ${titles}`);
    }
    await page.goto(url("guide/"));
    await page.keyboard.press("/");
    await page.keyboard.type("الياسمين");
    await page.locator(".search-status").filter({ hasText: "No results" }).waitFor({ timeout: 5000 });
  });

  await test("variants: the Arabic pages are right to left, mirrored, with their own strings", async () => {
    await page.goto(url("ar/guide/install/"));
    assert(await page.locator("html").getAttribute("dir") === "rtl", "dir=rtl");
    const sidebar = await page.locator("#sidebar").boundingBox(), main = await page.locator("main").boundingBox();
    assert(sidebar.x > main.x, `the sidebar is on the right: ${sidebar.x} vs ${main.x}`);
    assert(await page.locator(".toc-title").textContent() === "في هذه الصفحة", "On this page, in Arabic");
    await page.keyboard.press("/");
    await page.keyboard.type("zzzzqqq");
    await page.locator(".search-status").filter({ hasText: "لا نتائج" }).waitFor({ timeout: 5000 });
    const toggle = await page.locator(".theme-toggle .visually-hidden").textContent();
    assert(toggle === "المظهر: حسب النظام", `the toggle's name: ${toggle}`);
  });

  await test("variants: axe finds no violations on the fixture's pages at 1280 and 390 px", async () => {
    for (const width of [1280, 390]) {
      const c = await browser.newContext({ viewport: { width, height: 844 } });
      const p = await c.newPage();
      for (const u of ["", "guide/install/", "ar/", "ar/guide/install/", "zh/guide/install/", "v1/guide/install/", "ar/404.html"]) {
        await p.goto(url(u));
        await p.locator(".switcher-language summary, .switcher-version summary").first().click().catch(() => {});
        await p.addScriptTag({ content: axeSource });
        const r = await p.evaluate(() => window.axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
          rules: { "target-size": { enabled: true } },
        }));
        const v = r.violations.map((x) => `${x.id}: ${x.help} ${x.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
        assert(!v.length, `axe on ${u || "home"} at ${width} px:\n     ${v.join("\n     ")}`);
      }
      await c.close();
    }
  });

  await test("variants: no console errors or failed requests", async () => {
    assert(!problems.filter((p) => !p.includes("404.html")).length, problems.join("\n     "));
  });
  await ctx.close();
}

// Every HTML file under `out` through the Nu Html Checker.
function vnu(out) {
  const jar = path.join(here, "node_modules/vnu-jar/build/dist/vnu.jar");
  const r = spawnSync("java", ["-jar", jar, "--errors-only", "--skip-non-html", "--format", "gnu", out], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  const errors = (r.stderr + r.stdout).split("\n").filter((l) => l.trim());
  const count = fs.readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith(".html")).length;
  console.log(`     checked ${count} HTML files`);
  assert(r.status === 0 && !errors.length, `${errors.length} errors:\n     ${errors.slice(0, 30).join("\n     ")}`);
}

async function main() {
  if (process.env.ONLY === "variants") {
    await variantTests();
    const failed = results.filter((r) => r[1]).length;
    console.log(`\nbrowser: ${results.length - failed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
  }
  const tmp = prepareSite();
  const { server, port } = await serve(path.join(tmp, "public"), PREFIX);
  try {
    const out = build(tmp, port);
    const base = `http://127.0.0.1:${port}${PREFIX}`;
    if (process.env.ONLY !== "html") await browserTests(base);
    if (process.env.ONLY !== "browser") await htmlTests(out);
  } finally {
    server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  await variantTests();
  const failed = results.filter((r) => r[1]).length;
  console.log(`\nbrowser: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log("\nbrowser: 0 passed, 1 failed");
  process.exit(1);
});
