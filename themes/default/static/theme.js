// backlot default theme. Everything here enhances pages that already work without JavaScript:
// theme toggle, tab syncing, copy buttons, the table of contents' current heading, and the
// search box's loader and shortcuts (search itself is in search.js).
// Page text and queries are only ever inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  var doc = document, root = doc.documentElement;
  var base = root.getAttribute("data-base") || "/";
  // The theme's files are at the site's root even on a language's or version's pages.
  var assets = root.getAttribute("data-assets") || base;
  // The page language's strings (themes/default/i18n), English when a page has none.
  var T = { copy: "Copy", copied: "Copied", copy_label: "Copy code to clipboard", copy_failed: "Press Ctrl+C",
    theme_label: "Theme: {name}", theme_switch: "Theme: {name} (switch to {next})",
    theme_system: "follow the system", theme_light: "light", theme_dark: "dark" };
  try {
    var given = JSON.parse((doc.getElementById("backlot-strings") || {}).textContent || "{}");
    for (var k in given) T[k] = given[k];
  } catch (e) { /* a broken table leaves the English strings */ }
  function tr(key, values) {
    return T[key].replace(/\{(\w+)\}/g, function (m, name) { return values && name in values ? values[name] : m; });
  }
  function store(key, value) {
    try {
      if (value === undefined) return localStorage.getItem(key);
      localStorage.setItem(key, value);
    } catch (e) { /* storage disabled: choices last for this page only */ }
    return null;
  }
  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function svg(paths) {
    var ns = "http://www.w3.org/2000/svg", s = doc.createElementNS(ns, "svg");
    s.setAttribute("viewBox", "0 0 24 24");
    s.setAttribute("class", "icon");
    s.setAttribute("aria-hidden", "true");
    paths.forEach(function (d) {
      var p = doc.createElementNS(ns, "path");
      p.setAttribute("d", d);
      s.appendChild(p);
    });
    return s;
  }

  // Theme: follow the system (nothing stored), light, or dark; the button cycles through the
  // three and names the current one. The inline script in <head> applied a stored choice
  // before first paint.
  var toggle = doc.querySelector(".theme-toggle"), THEMES = ["system", "light", "dark"];
  var THEME_NAMES = { system: T.theme_system, light: T.theme_light, dark: T.theme_dark };
  function currentTheme() { return root.getAttribute("data-theme") || "system"; }
  function syncToggle() {
    var t = currentTheme(), next = THEMES[(THEMES.indexOf(t) + 1) % 3];
    toggle.querySelector(".visually-hidden").textContent = tr("theme_label", { name: THEME_NAMES[t] });
    toggle.title = tr("theme_switch", { name: THEME_NAMES[t], next: THEME_NAMES[next] });
  }
  if (toggle) {
    syncToggle();
    toggle.addEventListener("click", function () {
      var next = THEMES[(THEMES.indexOf(currentTheme()) + 1) % 3];
      if (next === "system") root.removeAttribute("data-theme"); else root.setAttribute("data-theme", next);
      store("backlot-theme", next);
      syncToggle();
    });
  }

  // Tabs: choosing a label selects it in every group on the page; the most recent choices are
  // remembered, so the next page opens on the reader's language wherever it is offered.
  var TABS_KEY = "backlot-tabs";
  function tabPrefs() {
    try { return JSON.parse(store(TABS_KEY) || "[]"); } catch (e) { return []; }
  }
  function selectTab(label) {
    doc.querySelectorAll(".tab-radio").forEach(function (r) {
      if (r.getAttribute("data-tab") === label) r.checked = true;
    });
  }
  function applyTabPrefs() {
    var prefs = tabPrefs();
    doc.querySelectorAll(".tabs").forEach(function (group) {
      var radios = group.querySelectorAll(".tab-radio");
      for (var i = 0; i < prefs.length; i++) {
        for (var j = 0; j < radios.length; j++) {
          if (radios[j].getAttribute("data-tab") === prefs[i]) { radios[j].checked = true; return; }
        }
      }
    });
  }
  doc.addEventListener("change", function (e) {
    var r = e.target;
    if (!r.classList || !r.classList.contains("tab-radio")) return;
    var label = r.getAttribute("data-tab"), before = r.getBoundingClientRect().top;
    selectTab(label);
    // Groups above this one may change height; keep the chosen tab where the reader sees it.
    window.scrollBy(0, r.getBoundingClientRect().top - before);
    var prefs = tabPrefs().filter(function (p) { return p !== label; });
    prefs.unshift(label);
    store(TABS_KEY, JSON.stringify(prefs.slice(0, 8)));
  });
  applyTabPrefs();

  // Copy buttons on every code block, in the frame's header bar. A shell transcript copies
  // its commands only: no prompts, no output.
  var COPY = ["M9 9h11v11H9z", "M5 15H4V4h11v1"];
  doc.querySelectorAll("figure.code-block").forEach(function (fig) {
    var code = fig.querySelector("pre code");
    if (!code) return;
    var btn = el("button", "copy-button"), label = el("span", null, T.copy);
    btn.type = "button";
    btn.setAttribute("aria-label", T.copy_label);
    btn.appendChild(svg(COPY));
    btn.appendChild(label);
    btn.addEventListener("click", function () {
      copyText(codeText(fig, code)).then(function () {
        label.textContent = T.copied;
        btn.classList.add("copied");
        setTimeout(function () { label.textContent = T.copy; btn.classList.remove("copied"); }, 1800);
      }, function () { label.textContent = T.copy_failed; });
    });
    fig.appendChild(btn);
  });
  function codeText(fig, code) {
    if (!fig.classList.contains("terminal")) return code.textContent;
    return [].map.call(code.querySelectorAll(".line.cmd"), function (line) {
      var prompt = line.querySelector(".prompt");
      return line.textContent.slice(prompt ? prompt.textContent.length : 0);
    }).join("\n");
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var ta = el("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      doc.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { /* reported below */ }
      ta.remove();
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  // Table of contents: mark the heading being read.
  var tocLinks = [].slice.call(doc.querySelectorAll(".toc a[href^='#']"));
  var targets = tocLinks.map(function (a) { return doc.getElementById(decodeURIComponent(a.hash.slice(1))); });
  var spyQueued = false;
  function spy() {
    spyQueued = false;
    var current = -1, line = parseFloat(getComputedStyle(root).scrollPaddingTop) || 80;
    targets.forEach(function (t, i) { if (t && t.getBoundingClientRect().top <= line + 8) current = i; });
    if (window.innerHeight + window.scrollY >= doc.body.scrollHeight - 2 && targets.length) current = targets.length - 1;
    if (current < 0) current = 0;
    tocLinks.forEach(function (a, i) {
      a.classList.toggle("active", i === current);
      if (i === current) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
  }
  if (tocLinks.length) {
    window.addEventListener("scroll", function () {
      if (!spyQueued) { spyQueued = true; requestAnimationFrame(spy); }
    }, { passive: true });
    spy();
  }

  // The menu (a checkbox, so it opens without JavaScript) also closes with Escape.
  // Browsers without :has() open it through a class; a click outside closes it.
  var menu = doc.getElementById("menu-toggle"), sidebar = doc.getElementById("sidebar");
  function setMenu(on) { menu.checked = on; doc.body.classList.toggle("menu-open", on); }
  if (menu && sidebar) {
    menu.addEventListener("change", function () { setMenu(menu.checked); });
    doc.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.checked) { setMenu(false); menu.focus(); }
    });
    doc.addEventListener("click", function (e) {
      if (menu.checked && !sidebar.contains(e.target) && !e.target.closest(".menu-button, .menu-toggle")) setMenu(false);
    });
  }

  // Large sites list only the current branch; a folded group elsewhere is filled from its
  // section's own page (whose sidebar has that branch open) when the reader first opens it.
  doc.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!d.open || !d.hasAttribute || !d.hasAttribute("data-load")) return;
    d.removeAttribute("data-load");
    var link = d.parentNode.querySelector("a");
    fetch(link.href).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var same = [].filter.call(page.querySelectorAll("#sidebar a"), function (a) { return a.getAttribute("href") === link.getAttribute("href"); })[0];
      var list = same && same.parentNode.querySelector("details > ul");
      if (list) { list.querySelectorAll("[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); }); d.appendChild(doc.importNode(list, true)); }
    }).catch(function () { d.setAttribute("data-load", ""); });
  }, true);

  // Sidebar titles cut short by an ellipsis show in full on hover.
  if (sidebar) sidebar.addEventListener("mouseover", function (e) {
    var a = e.target.closest("a");
    if (a && !a.title && a.scrollWidth > a.clientWidth) a.title = a.textContent;
  });
  // The 404 page's search button opens the search box in the header.
  doc.querySelectorAll(".search-open").forEach(function (b) {
    b.addEventListener("click", function () { var i = doc.getElementById("search-input"); if (i) i.focus(); });
  });

  // Search: search.js (the index's query side and the results combobox) loads the first
  // time the box is used, so pages that never search do not download it. Ctrl/Cmd-K and `/`
  // focus the box; a page opened with ?q= shows that query's results.
  var input = doc.getElementById("search-input");
  if (input) {
    var loading = false;
    var load = function () {
      if (loading) return;
      loading = true;
      var s = el("script");
      s.src = assets + "search.js";
      doc.head.appendChild(s);
    };
    input.addEventListener("focus", load);
    input.addEventListener("input", load);
    doc.addEventListener("keydown", function (e) {
      var t = e.target, typing = /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable;
      var slash = e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey;
      if (slash || (e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey) && !e.altKey)) {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
    var q = /[?&]q=/.test(location.search) && new URLSearchParams(location.search).get("q");
    if (q) { input.value = q; load(); }
  }
})();
