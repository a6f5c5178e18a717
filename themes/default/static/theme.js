// backlot default theme: theme toggle. Everything else works without JavaScript.
(function () {
  var btn = document.querySelector(".theme-toggle");
  if (!btn) return;
  btn.hidden = false;
  btn.addEventListener("click", function () {
    var root = document.documentElement;
    var dark = root.getAttribute("data-theme") === "dark" ||
      (!root.getAttribute("data-theme") && matchMedia("(prefers-color-scheme: dark)").matches);
    var next = dark ? "light" : "dark";
    root.setAttribute("data-theme", next);
    try { localStorage.setItem("backlot-theme", next); } catch (e) {}
  });
})();
