/* The compare selection, shared by the finder's "加入对比" boxes (assets/products.js) and the
   compare page (assets/compare.js): one list of product ids in localStorage, at most MAX. */
(function () {
  "use strict";

  var KEY = "portal-compare";
  var MAX = 4;

  function load() {
    try {
      var ids = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (x) { return typeof x === "string"; }).slice(0, MAX) : [];
    } catch (e) { return []; }
  }

  function save(ids) {
    try { window.localStorage.setItem(KEY, JSON.stringify(ids)); } catch (e) { /* private mode */ }
  }

  window.PortalCompareStore = { MAX: MAX, load: load, save: save };
})();
