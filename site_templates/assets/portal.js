/* Portal behaviour: dismissable warning banner and the Pagefind search page.
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

  function init() { initBanner(); initSearch(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
