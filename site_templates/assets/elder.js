/* 适老化 mode: large text and high contrast, remembered across pages (localStorage).
   Loaded in <head> (not deferred) so the remembered mode applies before the first paint;
   it only touches <html> until the document is parsed. No inline script: strict CSP. */
(function () {
  "use strict";
  var KEY = "portal-elder-mode";
  var CLASS = "portal-elder";
  var root = document.documentElement;

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }

  function remember(on) {
    try {
      if (on) window.localStorage.setItem(KEY, "on");
      else window.localStorage.removeItem(KEY);
    } catch (e) { /* storage disabled: the mode lasts for this page only */ }
  }

  function apply(on) {
    root.classList.toggle(CLASS, on);
    var buttons = document.querySelectorAll(".portal-elder-toggle");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  apply(remembered());
  // For layout before the first paint (portal.css): scripts run, and the address carries a query,
  // so pages that build their content from it can keep its place instead of shifting (CLS).
  root.classList.add("portal-js");
  // A state in the fragment (products/#customer=…, from 帮我选) counts too.
  if (window.location.search.length > 1 || window.location.hash.indexOf("=") !== -1) {
    root.classList.add("portal-has-query");
  }

  function init() {
    apply(root.classList.contains(CLASS));
    var buttons = document.querySelectorAll(".portal-elder-toggle");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var on = !root.classList.contains(CLASS);
        apply(on);
        remember(on);
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
