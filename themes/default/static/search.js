// backlot default theme: search. theme.js loads this file the first time the search box is
// used (or the page opens with ?q=). The query side of the index that src/search.rs writes:
// the same tokenizer contract (tests/fixtures/search/tokenizer-vectors.json), a stem map
// instead of a stemmer, typo tolerance against the loaded shards' keys, AND ranking with an
// OR fallback. The engine is a plain module so node runs it too (tests/search/*.test.mjs,
// bench/search/relevance.mjs); the combobox UI below only runs in a browser.
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else api.ui(root.document);
})(this, function () {
  "use strict";
  var WORD = /[\p{L}\p{M}\p{N}]/u, CHUNKS = /[\p{L}\p{M}\p{N}#+./]+/gu, SYMBOL = /[#+./]/;
  var SUFFIXES = ["ing", "ed", "es", "s", "ers", "er", "ly", "ment"];
  var STOP = " a an and are as at be by can do does for from how i in is it of on or the to vs what when where which who why with you your ";

  // --- The tokenizer contract (src/search/tokenize.rs has the same steps) ---
  function unsegmented(cp) {
    return (cp >= 0x0E00 && cp <= 0x0EFF) || (cp >= 0x1000 && cp <= 0x109F) || (cp >= 0x1780 && cp <= 0x17FF) ||
      (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF66 && cp <= 0xFF9F) ||
      (cp >= 0x20000 && cp <= 0x3FFFF);
  }
  function normalize(s) {
    if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
    return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC")
      .replace(/ς/g, "σ").replace(/ß/g, "ss");
  }
  function compound(chunk) {
    if (!SYMBOL.test(chunk)) return null;
    var chars = Array.from(chunk), start = 0;
    while (start < chars.length && !WORD.test(chars[start])) start++;
    if (start > 0 && start < chars.length && chars[start - 1] === ".") start--;
    var c = chars.slice(start).join("").replace(/[./]+$/, ""), n = Array.from(c).length;
    return SYMBOL.test(c) && n >= 2 && n <= 20 ? c : null;
  }
  function words(part, out) {
    var cps = Array.from(part), i = 0;
    while (i < cps.length) {
      var u = unsegmented(cps[i].codePointAt(0)), j = i;
      while (j < cps.length && unsegmented(cps[j].codePointAt(0)) === u) j++;
      var run = cps.slice(i, j);
      if (!u) { if (run.length >= 2 && run.length <= 40) out.push(run.join("")); }
      else if (run.length === 1) out.push(run[0]);
      else for (var k = 0; k + 1 < run.length; k++) out.push(run[k] + run[k + 1]);
      i = j;
    }
  }
  function tokens(text) {
    var out = [];
    (String(text).match(CHUNKS) || []).forEach(function (chunk) {
      var n = normalize(chunk);
      n.split(/[#+./]/).forEach(function (part) { words(part, out); });
      var c = compound(n);
      if (c) {
        out.push(c);
        if (c.indexOf("/") >= 0) c.split("/").forEach(function (p) { var pc = compound(p); if (pc) out.push(pc); });
      }
    });
    return out;
  }

  // Optimal string alignment distance, giving up above `max`.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = [], prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
        cur[j] = d;
        if (d < low) low = d;
      }
      if (low > max) return max + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }
  // Typos allowed in a query word: none below 5 characters, 1 up to 7, 2 from 8.
  function typos(w) { return w.length < 5 || !/^[a-z]+$/.test(w) ? 0 : w.length < 8 ? 1 : 2; }

  // --- The engine: `get(path)` resolves to the parsed JSON of search/<path> ---
  function Engine(get) { this.get = get; this.m = null; }
  Engine.prototype.manifest = function () {
    var self = this;
    return this.m ? Promise.resolve(this.m) : this.get("index.json").then(function (m) { self.m = m; return m; });
  };
  // The shard holding `key`: the one whose key is the longest prefix of it.
  Engine.prototype.shardOf = function (key) {
    var best = -1, len = 0;
    this.m.keys.forEach(function (k, i) { if (k.length > len && key.indexOf(k) === 0) { best = i; len = k.length; } });
    return best;
  };
  Engine.prototype.shard = function (i) {
    return i < 0 ? Promise.resolve({ t: {}, w: {} }) : this.get("s" + i + ".json");
  };
  // Shards with keys that extend `prefix`, for prefix matches; none when there are too many.
  Engine.prototype.longer = function (prefix) {
    var out = [];
    this.m.keys.forEach(function (k, i) { if (k.length > prefix.length && k.indexOf(prefix) === 0) out.push(i); });
    return out.length > 4 ? [] : out;
  };

  // One query word: {word, postings: {doc: [weight, section]}, df, terms: [matched keys],
  // suggest: [close words]}. The word's own term counts fully, longer terms it prefixes 0.7,
  // terms a typo away 0.5.
  Engine.prototype.term = function (word) {
    var self = this;
    return this.shard(this.shardOf(word)).then(function (base) {
      var known = function (c) { return c.length >= 3 && (base.w[c] || base.t[c]); };
      // A word the site never uses: look it up without an English suffix (tested -> test).
      if (!known(word) && /^[a-z]{4,}$/.test(word)) {
        for (var i = 0; i < SUFFIXES.length; i++) {
          var suf = SUFFIXES[i], b = word.slice(0, -suf.length);
          if (word.slice(-suf.length) !== suf) continue;
          if (known(b)) return self.term(b);
          if (known(b + "e")) return self.term(b + "e");
        }
      }
      var stem = base.w[word] || word, unseg = unsegmented(word.codePointAt(0));
      var prefixed = word.length >= 3 || SYMBOL.test(word) || unseg;
      var more = [self.shardOf(stem)].concat(prefixed ? self.longer(stem) : []);
      return Promise.all(more.map(function (i) { return self.shard(i); })).then(function (extra) {
        var shards = [base].concat(extra), found = {}, terms = [];
        function add(term, factor) { if (!(found[term] >= factor)) found[term] = factor; }
        shards.forEach(function (s) {
          if (s.t[stem]) add(stem, 1);
          if (!prefixed) return;
          Object.keys(s.t).forEach(function (t) { if (t !== stem && t.indexOf(stem) === 0) add(t, 0.7); });
          Object.keys(s.w).forEach(function (w) { if (w.indexOf(word) === 0 && s.w[w] !== stem) add(s.w[w], 0.7); });
        });
        var suggest = [], max = typos(word);
        if (!Object.keys(found).length && max) {
          // Stems that are not words themselves are matched but never suggested.
          var stems = {}, best = max + 1;
          Object.keys(base.w).forEach(function (w) { stems[base.w[w]] = true; });
          Object.keys(base.w).concat(Object.keys(base.t)).forEach(function (k) {
            var d = distance(word, k, max);
            if (d > max) return;
            add(base.w[k] || k, 0.5);
            if (!base.w[k] && stems[k]) return;
            if (d < best) { best = d; suggest = []; }
            if (d === best && suggest.indexOf(k) < 0) suggest.push(k);
          });
        }
        var postings = {}, df = 0;
        Object.keys(found).forEach(function (t) {
          var p = null;
          shards.forEach(function (s) { if (s.t[t]) p = s.t[t]; });
          if (!p) return;
          terms.push(t);
          df = Math.max(df, p.length / 3);
          for (var i = 0, d = 0; i < p.length; i += 3) {
            d += p[i];
            var w = p[i + 1] * found[t];
            if (!postings[d] || postings[d][0] < w) postings[d] = [w, p[i + 2]];
          }
        });
        return { word: word, postings: postings, df: df, terms: terms, suggest: suggest };
      });
    });
  };

  // A query's results: {mode: "and" | "or" | "none", hits: [{doc, score, section}], terms,
  // suggest}. Stop words are dropped unless the query has nothing else.
  Engine.prototype.search = function (query) {
    var self = this, words = [];
    tokens(query).forEach(function (w) { if (words.indexOf(w) < 0) words.push(w); });
    var content = words.filter(function (w) { return STOP.indexOf(" " + w + " ") < 0; });
    if (content.length) words = content;
    if (!words.length) return Promise.resolve({ mode: "none", hits: [], terms: [], words: [], suggest: [] });
    return this.manifest().then(function (m) {
      return Promise.all(words.map(function (w) { return self.term(w); })).then(function (per) {
        var docs = {};
        per.forEach(function (t, k) {
          var idf = Math.log(1 + m.n / Math.max(1, t.df));
          Object.keys(t.postings).forEach(function (d) {
            var p = t.postings[d], h = docs[d] || (docs[d] = { doc: +d, score: 0, count: 0, sections: {} });
            h.score += idf * p[0];
            h.count++;
            h.sections[p[1]] = (h.sections[p[1]] || 0) + idf * (k + 1 === per.length ? 1.01 : 1);
          });
        });
        var all = Object.keys(docs).map(function (d) { return docs[d]; });
        var and = all.filter(function (h) { return h.count === per.length; });
        var mode = and.length ? "and" : all.length ? "or" : "none", hits = and.length ? and : all;
        hits.forEach(function (h) {
          var best = 0, top = -1;
          Object.keys(h.sections).forEach(function (s) { if (h.sections[s] > top) { top = h.sections[s]; best = +s; } });
          h.section = best;
        });
        hits.sort(function (a, b) { return b.count - a.count || b.score - a.score || a.doc - b.doc; });
        var terms = [], suggest = [];
        per.forEach(function (t) { terms = terms.concat(t.terms); });
        var typo = per.some(function (t) { return t.suggest.length; });
        if (mode !== "and" || typo) {
          suggest = per.map(function (t) { return t.suggest[0] || t.word; });
          if (suggest.join(" ") === words.join(" ")) suggest = [];
        }
        return { mode: mode, hits: hits, terms: terms, words: words, suggest: suggest.length ? [suggest.join(" ")] : [] };
      });
    });
  };
  // A page's fragment: fragment file i holds docs f[i] up to the next file's first.
  Engine.prototype.fragment = function (doc) {
    var f = this.m.f, lo = 0, hi = f.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (f[mid] <= doc) lo = mid; else hi = mid - 1; }
    return this.get("f" + lo + ".json").then(function (list) { return list[doc - f[lo]]; });
  };

  // What a result shows and links to: the page, or the heading of its best section, and a
  // stretch of that section's text around the first match. Returns {href, title, heading,
  // section, text}.
  function result(frag, hit, marks) {
    var h = frag.h[hit.section] || frag.h[0] || ["", "", ""];
    var text = h[2] || (hit.section ? "" : frag.p) || frag.p || "", at = -1;
    spans(text, marks).forEach(function (s) { if (at < 0) at = s[0]; });
    var start = at > 90 ? text.lastIndexOf(" ", at - 60) + 1 : 0;
    var part = (start > 0 ? "… " : "") + text.slice(start) + (text.length >= 320 ? " …" : "");
    return { href: frag.u + (h[0] ? "#" + h[0] : ""), title: frag.t, heading: h[1], section: frag.s, text: part };
  }
  // Where to highlight `text`: [start, end] of whole words (or chunks such as `C#`) that a
  // query word or a matched term begins; inside unsegmented scripts, the matched characters.
  function spans(text, marks) {
    var out = [], re = /[\p{L}\p{M}\p{N}#+./]+/gu, m;
    while ((m = re.exec(text))) {
      var chunk = m[0], n = normalize(chunk), c = compound(n);
      if (c && marks.indexOf(c) >= 0) { out.push([m.index, m.index + chunk.length]); continue; }
      var w = /[\p{L}\p{M}\p{N}]+/gu, x;
      while ((x = w.exec(chunk))) {
        var word = normalize(x[0]), at = m.index + x.index, hit = false;
        if (unsegmented(x[0].codePointAt(0))) {
          marks.forEach(function (k) {
            var i = x[0].indexOf(k);
            if (k && unsegmented(k.codePointAt(0)) && i >= 0) out.push([at + i, at + i + k.length]);
          });
          continue;
        }
        marks.forEach(function (k) { if (word === k || (k.length >= 4 && word.indexOf(k) === 0)) hit = true; });
        if (hit) out.push([at, at + x[0].length]);
      }
    }
    return out.sort(function (a, b) { return a[0] - b[0]; });
  }

  // --- The combobox (browser only) ---
  function ui(doc) {
    var input = doc.getElementById("search-input"), panel = doc.getElementById("search-results");
    if (!input || !panel || input.getAttribute("data-ready")) return;
    input.setAttribute("data-ready", "1");
    var base = doc.documentElement.getAttribute("data-base") || "/";
    // The page language's strings (themes/default/i18n), English when a page has none.
    var T = { search_more: "Show more results", search_one: "1 result", search_many: "{n} results",
      search_some: "No page has every word of {query}; {n} with some of them",
      search_none: "No results for {query}. Check the spelling or try fewer words.",
      search_suggest: "Did you mean {query}?", search_unavailable: "Search is unavailable right now." };
    try {
      var given = JSON.parse((doc.getElementById("backlot-strings") || {}).textContent || "{}");
      for (var k in given) T[k] = given[k];
    } catch (e) { /* a broken table leaves the English strings */ }
    function tr(key, values) {
      return T[key].replace(/\{(\w+)\}/g, function (m, name) { return name in values ? values[name] : m; });
    }
    var status = panel.querySelector(".search-status"), list = panel.querySelector(".search-list");
    // A theme whose markup predates these parts gets them added.
    var more = panel.querySelector(".search-more") || part("search-more", T.search_more);
    var suggestBox = panel.querySelector(".search-suggest") || part("search-suggest");
    function part(cls, button) {
      var p = doc.createElement("p");
      p.className = cls;
      p.hidden = true;
      if (button) {
        var b = p.appendChild(doc.createElement("button"));
        b.type = "button";
        b.textContent = button;
      }
      return panel.appendChild(p);
    }
    var cache = {}, seq = 0, timer = 0, PAGE = 10, current = null, shown = 0, active = -1;
    var engine = new Engine(function (path) {
      if (!cache[path]) {
        var url = base + "search/" + path + (engine.m ? "?v=" + engine.m.v : "");
        cache[path] = fetch(url).then(function (r) {
          if (!r.ok) throw new Error(r.status + " " + url);
          return r.json();
        });
        cache[path].catch(function () { delete cache[path]; });
      }
      return cache[path];
    });
    function el(tag, cls, text) {
      var e = doc.createElement(tag);
      if (cls) e.className = cls;
      if (text) e.textContent = text;
      return e;
    }
    function marked(text, marks) {
      var node = el("span", "sr-snippet"), i = 0;
      spans(text, marks).forEach(function (s) {
        if (s[0] < i) return;
        node.appendChild(doc.createTextNode(text.slice(i, s[0])));
        node.appendChild(el("mark", null, text.slice(s[0], s[1])));
        i = s[1];
      });
      node.appendChild(doc.createTextNode(text.slice(i)));
      return node;
    }
    function options() { return [].slice.call(list.querySelectorAll("[role=option]")); }
    function setActive(i) {
      var os = options();
      active = Math.max(-1, Math.min(i, os.length - 1));
      os.forEach(function (o, k) { o.setAttribute("aria-selected", String(k === active)); });
      if (active >= 0) { input.setAttribute("aria-activedescendant", os[active].id); os[active].scrollIntoView({ block: "nearest" }); }
      else input.removeAttribute("aria-activedescendant");
    }
    function open(on) {
      panel.hidden = !on;
      input.setAttribute("aria-expanded", String(on));
      if (!on) setActive(-1);
    }
    function setUrl(q) {
      try {
        var u = new URL(location.href);
        if (q) u.searchParams.set("q", q); else u.searchParams.delete("q");
        history.replaceState(history.state, "", u.pathname + u.search + u.hash);
      } catch (e) { /* file:// or sandboxed: the URL stays as it is */ }
    }
    function run(q) {
      var id = ++seq;
      setUrl(q.trim());
      if (!q.trim()) { open(false); list.textContent = ""; return; }
      engine.search(q).then(function (r) {
        if (id !== seq) return;
        current = r; shown = 0; list.textContent = ""; setActive(-1);
        var n = r.hits.length, quoted = "“" + q.trim() + "”";
        status.textContent = r.mode === "and" ? tr(n === 1 ? "search_one" : "search_many", { n: n })
          : tr(r.mode === "or" ? "search_some" : "search_none", { query: quoted, n: n });
        suggestBox.textContent = "";
        r.suggest.forEach(function (s) {
          var b = el("button", "search-suggestion", s);
          b.type = "button";
          b.addEventListener("click", function () { input.value = s; run(s); input.focus(); });
          // The suggestion is a button inside the sentence: the text around `{query}`.
          var around = T.search_suggest.split("{query}");
          suggestBox.appendChild(doc.createTextNode(around[0]));
          suggestBox.appendChild(b);
          suggestBox.appendChild(doc.createTextNode(around.slice(1).join("")));
        });
        suggestBox.hidden = !r.suggest.length;
        open(true);
        return page();
      }).catch(function () {
        if (id === seq) { open(true); list.textContent = ""; status.textContent = T.search_unavailable; }
      });
    }
    // Shows the next PAGE results of the current query.
    function page() {
      var r = current, id = seq, from = shown, hits = r.hits.slice(from, from + PAGE);
      shown += hits.length;
      more.hidden = shown >= r.hits.length;
      var marks = r.words.concat(r.terms);
      return Promise.all(hits.map(function (h) { return engine.fragment(h.doc); })).then(function (frags) {
        if (id !== seq) return;
        frags.forEach(function (f, k) {
          var res = result(f, hits[k], marks), li = el("li"), a = el("a", "sr");
          li.setAttribute("role", "presentation");
          a.id = "sr-" + (from + k);
          a.href = res.href;
          a.tabIndex = -1;
          a.setAttribute("role", "option");
          a.setAttribute("aria-selected", "false");
          a.appendChild(el("span", "sr-title", res.title));
          if (res.heading) a.appendChild(el("span", "sr-heading", res.heading));
          else if (res.section) a.appendChild(el("span", "sr-section", res.section));
          if (res.text) a.appendChild(marked(res.text, marks));
          li.appendChild(a);
          list.appendChild(li);
        });
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(input.value); }, 80);
    });
    input.addEventListener("focus", function () {
      engine.manifest().catch(function () {});
      if (input.value.trim() && list.firstChild) open(true);
    });
    input.addEventListener("keydown", function (e) {
      var os = options();
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (panel.hidden && input.value.trim()) { open(true); return; }
        if (active === os.length - 1 && !more.hidden) page().then(function () { setActive(active + 1); });
        else setActive(active + 1);
      } else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
      else if (e.key === "Enter" && os.length && !panel.hidden) { e.preventDefault(); os[Math.max(active, 0)].click(); }
      else if (e.key === "Escape") {
        e.preventDefault();
        if (!panel.hidden) open(false); else if (input.value) { input.value = ""; run(""); } else input.blur();
      }
    });
    more.querySelector("button").addEventListener("click", function () { page(); input.focus(); });
    doc.addEventListener("click", function (e) { if (!input.parentNode.contains(e.target)) open(false); });
    if (input.value.trim()) run(input.value);
    else input.setAttribute("aria-expanded", "false");
  }

  return { tokens: tokens, normalize: normalize, distance: distance, Engine: Engine, result: result, spans: spans, ui: ui };
});
