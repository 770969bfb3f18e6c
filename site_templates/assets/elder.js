/* 适老化 mode: large text and high contrast, remembered across pages (localStorage).
   Loaded in <head> (not deferred) so the remembered mode applies before the first paint;
   it only touches <html> until the document is parsed. No inline script: strict CSP.
   Being the first script of every page, it also holds the site's one wrapper around Web Storage
   (window.Portal.local and .session), which portal.js, compare-store.js, guide.js and
   products.js use too; assets/finder-state.js and compare-store.js add the other shared helpers. */
(function () {
  "use strict";
  var KEY = "portal-elder-mode";
  var CLASS = "portal-elder";
  var root = document.documentElement;

  // Storage throws when it is turned off (private modes, blocked site data): then nothing is
  // remembered and every page behaves as on a first visit. set(key, null) forgets the key.
  function webStorage(name) {
    return {
      get: function (key) {
        try { return window[name].getItem(key); } catch (e) { return null; }
      },
      set: function (key, value) {
        try {
          if (value === null) window[name].removeItem(key);
          else window[name].setItem(key, value);
        } catch (e) { /* remembered for this page only */ }
      }
    };
  }
  var Portal = window.Portal = window.Portal || {};
  Portal.local = webStorage("localStorage");
  Portal.session = webStorage("sessionStorage");

  function apply(on) {
    root.classList.toggle(CLASS, on);
    var buttons = document.querySelectorAll(".portal-elder-toggle");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  apply(Portal.local.get(KEY) === "on");
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
        Portal.local.set(KEY, on ? "on" : null);
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
