/* Portal behaviour on every page: dismissable warning banner, document list filters and the phone
   menu button (the site search is assets/search.js, the product finder assets/products.js).
   Web Storage is Portal.local/.session (assets/elder.js); what the finder and 帮我选 share is in
   assets/finder-state.js, the finder's and compare page's Portal.el in assets/compare-store.js.
   No third-party code and no inline scripts (the site runs under a strict CSP). */
(function () {
  "use strict";

  var Portal = window.Portal = window.Portal || {};

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
