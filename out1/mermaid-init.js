// Renders ```mermaid blocks (pre.mermaid) with the mermaid.min.js shipped beside this file.
// Loaded only by pages that have a diagram. Follows the page's colour scheme, and draws the
// diagrams again when the reader switches it.
(function () {
  var root = document.documentElement;
  var blocks = Array.prototype.slice.call(document.querySelectorAll("pre.mermaid"));
  if (!blocks.length || !window.mermaid) return;
  blocks.forEach(function (b) { b.setAttribute("data-source", b.textContent); });
  function dark() {
    var t = root.getAttribute("data-theme");
    if (t) return t === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function draw() {
    blocks.forEach(function (b) {
      b.removeAttribute("data-processed");
      b.textContent = b.getAttribute("data-source");
    });
    window.mermaid.initialize({ startOnLoad: false, theme: dark() ? "dark" : "default", securityLevel: "strict" });
    window.mermaid.run({ nodes: blocks }).catch(function (e) { console.error(e); });
  }
  draw();
  new MutationObserver(draw).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
  if (window.matchMedia) {
    var mq = window.matchMedia("(prefers-color-scheme: dark)");
    if (mq.addEventListener) mq.addEventListener("change", draw);
  }
})();
