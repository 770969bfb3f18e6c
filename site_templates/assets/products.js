/* Product finder (filters on the product list) and side-by-side comparison.
   Progressive enhancement: without JavaScript the full list is shown and the filter form stays
   hidden. Data from the page is only ever written with textContent, never as HTML. */
(function () {
  "use strict";

  var MAX_COMPARE = 4;
  var STORE_KEY = "portal-compare";

  function loadSelection() {
    try {
      var ids = JSON.parse(window.localStorage.getItem(STORE_KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (x) { return typeof x === "string"; }).slice(0, MAX_COMPARE) : [];
    } catch (e) { return []; }
  }

  function saveSelection(ids) {
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(ids)); } catch (e) { /* private mode */ }
  }

  function listHas(card, attr, value) {
    return !value || (card.getAttribute(attr) || "").split("|").indexOf(value) !== -1;
  }

  function initFinder() {
    var form = document.getElementById("product-filter");
    var list = document.getElementById("product-cards");
    if (!form || !list) return;
    var cards = Array.prototype.slice.call(list.querySelectorAll(".portal-card"));
    var original = cards.slice();
    var status = document.getElementById("filter-status");
    var empty = document.getElementById("filter-empty");
    form.hidden = false;

    // Restore the conditions from the address, so a filtered list can be shared or bookmarked.
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !params.has(el.name)) return;
      if (el.type === "checkbox") el.checked = params.get(el.name) === "1";
      else el.value = params.get(el.name);
    });

    function apply() {
      var data = new FormData(form);
      var amount = parseFloat(data.get("amount"));
      var shown = 0;
      cards.forEach(function (card) {
        var ok = listHas(card, "data-customers", data.get("customer")) &&
          listHas(card, "data-guarantee", data.get("guarantee")) &&
          listHas(card, "data-programs", data.get("program")) &&
          (!data.get("type") || card.getAttribute("data-type") === data.get("type")) &&
          (!data.get("bank") || card.getAttribute("data-bank") === data.get("bank")) &&
          (!data.get("online") || card.getAttribute("data-online") === "1") &&
          (!data.get("renewal") || card.getAttribute("data-renewal") === "1");
        if (ok && !isNaN(amount) && amount > 0) {
          ok = amount <= parseFloat(card.getAttribute("data-amount-max")) &&
            amount >= parseFloat(card.getAttribute("data-amount-min") || "0");
        }
        card.hidden = !ok;
        if (ok) shown += 1;
      });
      var sort = data.get("sort");
      var ordered = original.slice();
      var num = function (card, attr) { return parseFloat(card.getAttribute(attr)); };
      if (sort === "rate") ordered.sort(function (a, b) { return num(a, "data-rate-min") - num(b, "data-rate-min"); });
      if (sort === "amount") ordered.sort(function (a, b) { return num(b, "data-amount-max") - num(a, "data-amount-max"); });
      if (sort === "days") ordered.sort(function (a, b) { return num(a, "data-days") - num(b, "data-days"); });
      ordered.forEach(function (card) { list.appendChild(card); });
      status.textContent = shown === cards.length ? "共 " + cards.length + " 款产品" :
        "符合条件的产品 " + shown + " 款（共 " + cards.length + " 款）";
      empty.hidden = shown !== 0;

      var query = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name) return;
        if (el.type === "checkbox") { if (el.checked) query.set(el.name, "1"); }
        else if (el.value) query.set(el.name, el.value);
      });
      var qs = query.toString();
      window.history.replaceState(null, "", qs ? "?" + qs : window.location.pathname);
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    apply();
  }

  function initCompareToggles() {
    var toggles = document.querySelectorAll(".portal-compare-toggle");
    var bar = document.getElementById("compare-bar");
    if (!toggles.length || !bar) return;
    var link = document.getElementById("compare-link");
    var count = document.getElementById("compare-count");
    var base = link.getAttribute("href");
    var selected = loadSelection();

    function render() {
      Array.prototype.forEach.call(toggles, function (t) {
        t.checked = selected.indexOf(t.value) !== -1;
        t.disabled = !t.checked && selected.length >= MAX_COMPARE;
      });
      count.textContent = String(selected.length);
      bar.hidden = selected.length === 0;
      link.setAttribute("href", base + "?ids=" + encodeURIComponent(selected.join(",")));
    }

    Array.prototype.forEach.call(toggles, function (t) {
      t.closest(".portal-card__compare").hidden = false;
      t.addEventListener("change", function () {
        selected = selected.filter(function (id) { return id !== t.value; });
        if (t.checked) selected.push(t.value);
        selected = selected.slice(0, MAX_COMPARE);
        saveSelection(selected);
        render();
      });
    });
    render();
  }

  var ROWS = [
    ["年化利率", function (p) { return p.display.rate; }],
    ["银行", function (p) { return p.bank_name; }],
    ["产品类型", function (p) { return p.product_type; }],
    ["贷款额度", function (p) { return p.display.amount; }],
    ["贷款期限", function (p) { return p.display.term; }],
    ["担保方式", function (p) { return p.guarantee_methods.join("、"); }],
    ["适用对象", function (p) { return p.target_customers.join("、"); }],
    ["还款方式", function (p) { return p.repayment_methods.join("、"); }],
    ["审批时限", function (p) { return p.decision_days + " 天内"; }],
    ["线上申请", function (p) { return p.online_application ? "是" : "否"; }],
    ["支持无还本续贷", function (p) { return p.renewal_without_repayment ? "是" : "否"; }],
    ["担保费率", function (p) { return p.guarantee_fee_rate === null ? "不涉及" : p.guarantee_fee_rate + "%"; }],
    ["其他费用", function (p) { return p.fees || "未说明"; }],
    ["利率说明", function (p) { return p.rate_note || "无"; }],
    ["联系电话", function (p) { return p.contact_phone; }]
  ];

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function initComparePage() {
    var root = document.getElementById("compare-root");
    if (!root) return;
    var params = new URLSearchParams(window.location.search);
    var ids = (params.get("ids") || "").split(",").filter(Boolean);
    if (!ids.length) ids = loadSelection();
    ids = ids.slice(0, MAX_COMPARE);
    var status = el("p", "正在加载产品数据……", { role: "status" });
    root.appendChild(status);
    fetch(root.getAttribute("data-products"))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        var byId = {};
        data.products.forEach(function (p) { byId[p.product_id] = p; });
        var products = ids.map(function (id) { return byId[id]; }).filter(Boolean);
        if (products.length === 0) {
          status.textContent = "还没有选择产品。请在金融产品列表中勾选“加入对比”。";
          return;
        }
        status.textContent = "正在对比 " + products.length + " 款产品。";
        var wrap = el("div", null, { "class": "portal-compare-wrap", tabindex: "0", role: "region", "aria-label": "产品对比表，可左右滚动" });
        var table = el("table", null, { "class": "portal-compare" });
        table.appendChild(el("caption", "产品对比（利率均为年化利率）"));
        var head = el("tr");
        head.appendChild(el("th", "项目", { scope: "col" }));
        products.forEach(function (p) {
          var th = el("th", null, { scope: "col" });
          th.appendChild(el("a", p.name, { href: root.getAttribute("data-root") + p.url }));
          head.appendChild(th);
        });
        var thead = el("thead");
        thead.appendChild(head);
        table.appendChild(thead);
        var tbody = el("tbody");
        ROWS.forEach(function (row) {
          var tr = el("tr");
          tr.appendChild(el("th", row[0], { scope: "row" }));
          products.forEach(function (p) { tr.appendChild(el("td", row[1](p), { "class": row[0] === "年化利率" ? "portal-compare__rate" : "" })); });
          tbody.appendChild(tr);
        });
        table.appendChild(tbody);
        wrap.appendChild(table);
        root.appendChild(wrap);
      })
      .catch(function () { status.textContent = "产品数据加载失败，请刷新页面重试。"; });
  }

  function init() { initFinder(); initCompareToggles(); initComparePage(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
