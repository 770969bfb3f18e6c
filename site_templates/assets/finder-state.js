/* What the product finder (assets/products.js) and 帮我选 (assets/guide.js) share, in
   window.Portal: the state of the finder in an address, and numbers as the site writes them.
   Loaded only by those two pages, before their deferred scripts (other pages do not pay for it).
   No third-party code and no inline scripts (the site runs under a strict CSP). */
(function () {
  "use strict";

  var Portal = window.Portal = window.Portal || {};

  // Numbers as the site writes them: 30, 1.5, 4.35, no float noise (generator/site/fields.py
  // format_number); "" for no value.
  var formatNumber = Portal.formatNumber = function (value) {
    if (value === null || value === undefined) return "";
    return Number(value).toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
  };

  // The product finder's state in an address: products/?customer=…&amount=… or, kept private,
  // products/#… (帮我选 hands its answers over so, and reads them back from its own fragment).
  // The keys and their order are the finder's public interface (shared links), and both write a
  // state alike: the finder knows 帮我选's hand-over by comparing the text (assets/products.js).
  // region: a federated (city or province) finder's 地区 facet, region codes.
  var LIST_KEYS = ["customer", "guarantee", "type", "program", "bank", "region"];
  var NUMBER_KEYS = ["amount", "term"];
  var FLAG_KEYS = ["online", "renewal"];
  var finder = Portal.finder = {
    LIST_KEYS: LIST_KEYS, NUMBER_KEYS: NUMBER_KEYS, FLAG_KEYS: FLAG_KEYS,
    KEYS: ["q"].concat(LIST_KEYS, NUMBER_KEYS, FLAG_KEYS, "sort"),

    empty: function () {
      return { q: "", customer: [], guarantee: [], type: [], program: [], bank: [], region: [], amount: null, term: null,
               online: false, renewal: false, sort: "" };
    },

    positive: function (value) {
      var n = parseFloat(value);
      return isFinite(n) && n > 0 ? n : null;
    },

    // A query string or fragment -> a state. The term is as written: the finder rounds it to
    // whole months, 帮我选 shows a fraction and asks for whole months instead.
    parse: function (text) {
      var params = new URLSearchParams(text), state = finder.empty();
      state.q = (params.get("q") || "").trim();
      LIST_KEYS.forEach(function (k) {
        state[k] = (params.get(k) || "").split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      });
      NUMBER_KEYS.forEach(function (k) { state[k] = finder.positive(params.get(k)); });
      FLAG_KEYS.forEach(function (k) { state[k] = params.get(k) === "1"; });
      state.sort = params.get("sort") || "";
      return state;
    },

    // A state -> "customer=…&amount=30" ("" without conditions), keys in the order of KEYS.
    params: function (state) {
      var params = new URLSearchParams();
      if (state.q) params.set("q", state.q);
      LIST_KEYS.forEach(function (k) { if (state[k].length) params.set(k, state[k].join(",")); });
      NUMBER_KEYS.forEach(function (k) { if (state[k] !== null) params.set(k, formatNumber(state[k])); });
      FLAG_KEYS.forEach(function (k) { if (state[k]) params.set(k, "1"); });
      if (state.sort) params.set("sort", state.sort);
      return params.toString();
    }
  };
})();
