/* Portal behaviour: dismissable warning banner, document list filters and the phone menu button
   (the site search is assets/search.js, the product finder assets/products.js), and what the
   finder and 帮我选 (assets/guide.js) share, in window.Portal: this file is on every page and runs
   before their deferred scripts. Web Storage is Portal.local/.session (assets/elder.js), the
   finder's and compare page's Portal.el is in assets/compare-store.js.
   No third-party code and no inline scripts (the site runs under a strict CSP). */
(function () {
  "use strict";

  var Portal = window.Portal = window.Portal || {};

  // ---------- shared helpers ----------

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
  var LIST_KEYS = ["customer", "guarantee", "type", "program", "bank"];
  var NUMBER_KEYS = ["amount", "term"];
  var FLAG_KEYS = ["online", "renewal"];
  var finder = Portal.finder = {
    LIST_KEYS: LIST_KEYS, NUMBER_KEYS: NUMBER_KEYS, FLAG_KEYS: FLAG_KEYS,
    KEYS: ["q"].concat(LIST_KEYS, NUMBER_KEYS, FLAG_KEYS, "sort"),

    empty: function () {
      return { q: "", customer: [], guarantee: [], type: [], program: [], bank: [], amount: null, term: null,
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

  // ---------- this file's own behaviour ----------

  // The banner returns whenever the notice changes (its version is a hash of the notice).
  function initBanner() {
    var banner = document.querySelector(".portal-banner");
    if (!banner) return;
    var version = banner.getAttribute("data-notice-version");
    // Storage off: the banner simply stays visible.
    if (Portal.local.get("portal-banner-dismissed") === version) banner.hidden = true;
    var close = banner.querySelector(".portal-banner__close");
    if (close) close.addEventListener("click", function () {
      banner.hidden = true;
      Portal.local.set("portal-banner-dismissed", version);
    });
  }

  // Document list filters (政策解读: 发文机关, 状态, 标签). The controls are native, labelled
  // <select>s (keyboard-reachable); they stay hidden without JavaScript, when the full list shows.
  function initDocFilters() {
    var forms = document.querySelectorAll(".portal-doc-filter");
    Array.prototype.forEach.call(forms, function (form) {
      var list = document.getElementById(form.getAttribute("data-filter-list"));
      if (!list) return;
      var items = list.querySelectorAll("li[data-filter-item]");
      var selects = form.querySelectorAll("select[data-filter]");
      var count = form.querySelector(".portal-doc-filter__count");
      var empty = document.getElementById(form.getAttribute("data-filter-empty"));
      function apply() {
        var shown = 0;
        Array.prototype.forEach.call(items, function (item) {
          var match = Array.prototype.every.call(selects, function (select) {
            if (!select.value) return true;
            var values = (item.getAttribute("data-" + select.getAttribute("data-filter")) || "").split("|");
            return values.indexOf(select.value) !== -1;
          });
          item.hidden = !match;
          if (match) shown += 1;
        });
        if (count) count.textContent = "显示 " + shown + " 篇，共 " + items.length + " 篇";
        if (empty) empty.hidden = shown !== 0;
      }
      Array.prototype.forEach.call(selects, function (select) {
        select.addEventListener("change", apply);
      });
      // After a reset the selects take their new values only once the event has finished.
      form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      form.hidden = false;
      apply();
    });
  }

  // The navigation drawer (phones): Material toggles it with the #__drawer checkbox.
  function initMenu() {
    var button = document.querySelector(".portal-menu-button");
    var drawer = document.getElementById("__drawer");
    if (!button || !drawer) return;
    function sync() {
      button.setAttribute("aria-expanded", drawer.checked ? "true" : "false");
      button.setAttribute("aria-label", drawer.checked ? "关闭导航菜单" : "打开导航菜单");
    }
    button.addEventListener("click", function () {
      drawer.checked = !drawer.checked;
      drawer.dispatchEvent(new Event("change", { bubbles: true }));
      sync();
      if (drawer.checked) {
        var first = document.querySelector(".md-sidebar--primary .md-nav__link[href]");
        if (first) window.setTimeout(function () { first.focus(); }, 50);
      }
    });
    drawer.addEventListener("change", sync);
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && drawer.checked) {
        drawer.checked = false;
        drawer.dispatchEvent(new Event("change", { bubbles: true }));
        sync();
        button.focus();
      }
    });
    sync();
  }

  // "打印" buttons: shown only with JavaScript, since only script can open the print dialog.
  function initPrintButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
      var holder = button.closest("[hidden]");
      if (holder) holder.hidden = false;
    });
  }

  function init() { initBanner(); initDocFilters(); initMenu(); initPrintButtons(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
