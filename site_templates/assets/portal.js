/* Portal behaviour: dismissable warning banner, the Pagefind search page and document list filters.
   No third-party code and no inline scripts (the site runs under a strict CSP). */
(function () {
  "use strict";

  function store(key, value) {
    try {
      if (value === undefined) return window.localStorage.getItem(key);
      window.localStorage.setItem(key, value);
    } catch (e) { /* storage disabled: the banner simply stays visible */ }
    return null;
  }

  // The banner returns whenever the notice changes (its version is a hash of the notice).
  function initBanner() {
    var banner = document.querySelector(".portal-banner");
    if (!banner) return;
    var version = banner.getAttribute("data-notice-version");
    if (store("portal-banner-dismissed") === version) banner.hidden = true;
    var close = banner.querySelector(".portal-banner__close");
    if (close) close.addEventListener("click", function () {
      banner.hidden = true;
      store("portal-banner-dismissed", version);
    });
  }

  function loadScript(src, onload) {
    var s = document.createElement("script");
    s.src = src;
    s.onload = onload;
    document.head.appendChild(s);
  }

  function loadStyle(href) {
    var l = document.createElement("link");
    l.rel = "stylesheet";
    l.href = href;
    document.head.appendChild(l);
  }

  function initSearch() {
    var el = document.getElementById("portal-search");
    if (!el) return;
    var bundle = el.getAttribute("data-bundle");
    loadStyle(bundle + "pagefind-ui.css");
    loadScript(bundle + "pagefind-ui.js", function () {
      var ui = new window.PagefindUI({
        element: "#portal-search",
        bundlePath: bundle,
        showSubResults: true,
        showImages: false,
        translations: {
          placeholder: "输入关键词，如 信用贷款、担保",
          clear_search: "清除",
          load_more: "显示更多结果",
          search_label: "搜索本站",
          filters_label: "筛选",
          zero_results: "没有找到与“[SEARCH_TERM]”相关的内容",
          many_results: "找到 [COUNT] 条与“[SEARCH_TERM]”相关的结果",
          one_result: "找到 [COUNT] 条与“[SEARCH_TERM]”相关的结果",
          alt_search: "没有找到“[SEARCH_TERM]”，以下是“[DIFFERENT_TERM]”的结果",
          search_suggestion: "没有找到“[SEARCH_TERM]”，请换个关键词试试",
          searching: "正在搜索“[SEARCH_TERM]”……"
        }
      });
      var q = new URLSearchParams(window.location.search).get("q");
      if (q) ui.triggerSearch(q);
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

  function init() { initBanner(); initSearch(); initDocFilters(); initMenu(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
