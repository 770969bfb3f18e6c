/* What the finder (assets/products.js) and the compare page (assets/compare.js) share; only these
   two pages load this file, so only they download it.
   - The compare selection: one list of product ids in localStorage (Portal.local, from
     assets/elder.js), at most MAX.
   - Portal.el, the one way these scripts make elements: data only ever reaches the page as
     textContent, never as HTML (strict CSP). */
(function () {
  "use strict";

  var KEY = "portal-compare";
  var MAX = 4;
  var Portal = window.Portal;

  function load() {
    try {
      var ids = JSON.parse(Portal.local.get(KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (x) { return typeof x === "string"; }).slice(0, MAX) : [];
    } catch (e) { return []; }     // not JSON (written by hand or by an older version)
  }

  function save(ids) { Portal.local.set(KEY, JSON.stringify(ids)); }

  window.PortalCompareStore = { MAX: MAX, load: load, save: save };

  Portal.el = function (tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  };
})();
