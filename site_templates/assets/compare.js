/* Product comparison (compare/?ids=a,b): up to 4 products side by side.

   Rows and wording come from the field registry through downloads/products.json (compare_rows,
   each product's display block); which rows carry a "best value" word comes from
   generator/site/fields.py COMPARE_BEST (the page's data-best). Rows whose values differ are marked
   with the word 不同 (not colour alone) and can be shown alone; list fields (data-lists) are
   compared as sets, and the identity/contact rows (data-always, fields.COMPARE_ALWAYS) are never
   marked and always shown. The page states the newest update date of the products compared
   (never the build date). A product can be removed; the
   table, the address (?ids=, replaceState) and the finder's stored selection then agree, so the
   address is always the link to share. On a phone the label column stays put while the products
   scroll sideways, and a copy of the product names stays under the site header while the rows
   scroll by. Data is only ever written with textContent, never as HTML (strict CSP). */
(function () {
  "use strict";

  // The compare selection lives in assets/compare-store.js (the finder and the compare page share it).
  var store = window.PortalCompareStore;
  var MAX_COMPARE = store.MAX;
  var loadSelection = store.load, saveSelection = store.save;
  var el = window.Portal.el;      // assets/compare-store.js

  function dateZh(d) { return d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日"; }

  function isoDateZh(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? m[1] + "年" + Number(m[2]) + "月" + Number(m[3]) + "日" : "";
  }

  // The ids in the address: de-duplicated, in order.
  function idsFromAddress() {
    var raw = new URLSearchParams(window.location.search).get("ids");
    if (raw === null) return null;
    var seen = [];
    raw.split(",").forEach(function (id) {
      id = id.trim();
      if (id && seen.indexOf(id) === -1) seen.push(id);
    });
    return seen;
  }

  function readJson(node, name, fallback) {
    try { return JSON.parse(node.getAttribute(name) || "") || fallback; } catch (e) { return fallback; }
  }

  // A list as a set: its distinct items in a fixed order, so the order the bank wrote them in
  // does not count ("随借随还、等额本息" offers what "等额本息、随借随还" offers).
  function setKey(list) {
    var items = Array.isArray(list) ? list.map(String) : [];
    return items.filter(function (x, i) { return items.indexOf(x) === i; }).sort().join("\u0000");
  }

  // Rows whose offer is not the same for every product (one product: nothing differs). The
  // identity and contact rows (bank, phone, apply link) always differ, so they are not marked.
  function differs(products, key, always, lists) {
    if (products.length < 2 || always.indexOf(key) !== -1) return false;
    var values = products.map(function (p) { return lists.indexOf(key) !== -1 ? setKey(p[key]) : p.display[key]; });
    return values.some(function (v) { return v !== values[0]; });
  }

  // The newest per-product update date (ISO yyyy-mm-dd sorts as text), "" when none is known.
  function newestUpdate(products) {
    return products.map(function (p) { return p.updated || ""; }).sort().pop() || "";
  }

  // Products holding the best value of a row, only when the products do not all share it.
  function bestOf(products, rule) {
    if (!rule || products.length < 2) return [];
    var values = products.map(function (p) {
      var v = p[rule.field];
      return typeof v === "number" ? v : null;
    });
    var known = values.filter(function (v) { return v !== null; });
    if (known.length < 2) return [];
    var best = rule.best === "max" ? Math.max.apply(null, known) : Math.min.apply(null, known);
    var winners = products.filter(function (p, i) { return values[i] === best; });
    return winners.length === products.length ? [] : winners;
  }

  // A differing row: a ◆ before its label (a shape, so not colour alone; the legend says what it
  // means) and, for screen readers, the word itself; the row's tint only helps the eye.
  function diffMark() {
    var mark = el("span", null, { "class": "portal-compare__diff" });
    mark.appendChild(el("span", "◆", { "aria-hidden": "true" }));
    mark.appendChild(el("span", "（不同）", { "class": "portal-visually-hidden" }));
    return mark;
  }

  // Text in pieces that each stay whole, with a line break allowed only after each separator:
  // "3.2%～" / "4.6%", "0818-" / "2122367". A column too narrow for the whole (适老化 on a
  // phone) then breaks there instead of growing past the screen or cutting a figure off.
  function breakAfter(node, text, sep) {
    var parts = String(text).split(sep);
    parts.forEach(function (part, i) {
      var last = i === parts.length - 1;
      if (i) node.appendChild(el("wbr"));
      node.appendChild(el("span", last ? part : part + sep, { "class": "portal-compare__piece" }));
    });
    return node;
  }

  function telHref(phone) { return "tel:" + String(phone).replace(/-/g, ""); }

  function initComparePage() {
    var root = document.getElementById("compare-root");
    if (!root) return;
    var base = root.getAttribute("data-root");
    var bestRules = readJson(root, "data-best", {});
    var alwaysRows = readJson(root, "data-always", []);
    var listRows = readJson(root, "data-lists", []);
    // The site footer states the whole library's data date; this page's data are the products
    // compared, which only the browser knows, so their newest date replaces it (kept to restore).
    var footerTime = document.querySelector(".portal-page-date time");
    var footerIso = footerTime ? footerTime.getAttribute("datetime") : "";

    var fromAddress = idsFromAddress();
    var requested = fromAddress !== null ? fromAddress : loadSelection();

    // ---- the page's fixed parts; the table is rebuilt on every change ----
    var status = el("p", "正在加载产品数据……", { role: "status", "class": "portal-cmp__status" });
    var note = el("p", null, { "class": "portal-cmp__note" });
    note.hidden = true;

    var tools = el("div", null, { "class": "portal-cmp__tools" });
    var onlyWrap = el("p", null, { "class": "portal-cmp__only" });
    var onlyLabel = el("label");
    var only = el("input", null, { type: "checkbox", id: "compare-only-diff" });
    onlyLabel.appendChild(only);
    onlyLabel.appendChild(document.createTextNode("只看不同项"));
    onlyWrap.appendChild(onlyLabel);
    var add = el("a", null, { "class": "md-button", href: base + "products/" });
    add.appendChild(el("span", "＋", { "aria-hidden": "true" }));
    add.appendChild(document.createTextNode("添加产品"));
    var copy = el("button", "复制链接", { type: "button", "class": "md-button", id: "compare-copy" });
    var print = el("button", "打印", { type: "button", "class": "md-button", id: "compare-print" });
    [add, copy, print].forEach(function (n) { tools.appendChild(n); });

    var copied = el("p", null, { role: "status", "class": "portal-cmp__copied" });
    var share = el("p", null, { "class": "portal-cmp__share" });
    share.hidden = true;
    share.appendChild(el("label", "本对比的链接", { "for": "compare-url" }));
    var shareInput = el("input", null, { type: "text", id: "compare-url", readonly: "readonly" });
    share.appendChild(shareInput);

    var legend = el("p", null, { "class": "portal-cmp__legend" });
    legend.appendChild(el("span", "◆", { "class": "portal-compare__diff" }));
    legend.appendChild(document.createTextNode(" 表示各产品在这一项上不一样；"));
    var legendBest = el("span");
    legend.appendChild(legendBest);
    legend.appendChild(document.createTextNode(" 标出这一项条件最好的产品（利率按下限比较）。"));

    var hint = el("p", null, { "class": "portal-cmp__hint" });
    hint.hidden = true;
    var bar = el("div", null, { "class": "portal-cmp__bar" });
    bar.appendChild(onlyWrap);
    bar.appendChild(hint);

    // A copy of the product names that stays under the site header while the rows scroll by.
    // Decorative (aria-hidden, nothing focusable): the table's own header row is the real one.
    var frame = el("div", null, { "class": "portal-cmp__frame" });
    var clone = el("div", null, { "class": "portal-cmp__clone", "aria-hidden": "true" });
    var cloneRow = el("div", null, { "class": "portal-cmp__clone-row" });
    var cloneCorner = el("div", "项目", { "class": "portal-cmp__clone-corner" });
    var cloneView = el("div", null, { "class": "portal-cmp__clone-view" });
    var cloneStrip = el("div", null, { "class": "portal-cmp__clone-strip" });
    cloneView.appendChild(cloneStrip);
    cloneRow.appendChild(cloneCorner);
    cloneRow.appendChild(cloneView);
    clone.appendChild(cloneRow);
    var wrap = el("div", null, { "class": "portal-compare-wrap", tabindex: "0", role: "region",
                                 "aria-label": "产品对比表，可左右滚动" });
    frame.appendChild(clone);
    frame.appendChild(wrap);

    // The products' own update date, on screen and on paper; paper also gets the print date and
    // the link (it has no footer or address bar).
    var dates = el("p", null, { "class": "portal-cmp__dates" });

    var empty = el("div", null, { "class": "portal-empty portal-cmp__empty" });
    empty.hidden = true;
    var emptyTitle = el("h2", "还没有要对比的产品", { tabindex: "-1" });
    empty.appendChild(emptyTitle);
    empty.appendChild(el("p", "在金融产品列表中勾选“加入对比”，最多可选 4 款，再回到这里逐项比较。"));
    var emptyLink = el("p");
    emptyLink.appendChild(el("a", "去选择产品", { "class": "md-button md-button--primary", href: base + "products/" }));
    empty.appendChild(emptyLink);

    // Until the data is in, only the status line shows (the copy status is a live region: it
    // stays in the page, empty, so that its first message is announced).
    [tools, legend, bar, frame, dates].forEach(function (n) { n.hidden = true; });
    [status, note, tools, copied, share, legend, bar, frame, dates, empty].forEach(function (n) {
      root.appendChild(n);
    });

    var data = null;
    var products = [];

    function address() {
      var ids = products.map(function (p) { return encodeURIComponent(p.product_id); }).join(",");
      return window.location.pathname + (ids ? "?ids=" + ids : "");
    }

    // The table, the address and the finder's stored selection always say the same.
    function persist() {
      var ids = products.map(function (p) { return p.product_id; });
      saveSelection(ids);
      try { window.history.replaceState(window.history.state, "", address()); } catch (e) { /* file:// */ }
      shareInput.value = window.location.href;
    }

    function countText() {
      if (products.length === 1) return "只有 1 款产品。再添加一款，即可逐项比较。";
      return "正在对比 " + products.length + " 款产品。";
    }

    function cell(p, key) {
      var td = el("td");
      var text = p.display[key];
      var value;
      if (key === "contact_phone" && p.contact_phone) {
        value = breakAfter(el("a", null, { href: telHref(p.contact_phone) }), text, "-");
      } else if (key === "apply_url" && /^https:\/\//.test(p.apply_url || "")) {
        value = el("a", text, { href: p.apply_url, rel: "noopener noreferrer nofollow" });
      } else if (key === "bank" && p.bank_id) {
        value = el("a", text, { href: base + "banks/" + encodeURIComponent(p.bank_id) + "/" });
      } else if (key === "rate") {
        value = breakAfter(el("span"), text, "～");   // each bound whole: never "3.4%～5" for 5.5%
      } else {
        value = el("span", text);
      }
      value.classList.add("portal-compare__value");
      td.appendChild(value);
      if (key === "rate") td.className = "portal-compare__rate";
      if (key === "fees" || key === "rate_note") td.classList.add("portal-text");
      return td;
    }

    function buildTable() {
      var table = el("table", null, { "class": "portal-compare" + (products.length === 1 ? " portal-compare--single" : "") });
      table.appendChild(el("caption", "产品对比（利率均为年化利率）", { "class": "portal-visually-hidden" }));
      var head = el("tr");
      head.appendChild(el("th", "项目", { scope: "col", "class": "portal-compare__corner" }));
      products.forEach(function (p) {
        var th = el("th", null, { scope: "col", "data-product-id": p.product_id });
        th.appendChild(el("a", p.name, { href: base + p.url, "class": "portal-compare__name" }));
        var remove = el("button", null, { type: "button", "class": "portal-compare__remove",
                                          "aria-label": "移除 " + p.name, "data-product-id": p.product_id });
        remove.appendChild(el("span", "×", { "aria-hidden": "true" }));
        remove.appendChild(document.createTextNode("移除"));
        th.appendChild(remove);
        head.appendChild(th);
      });
      var thead = el("thead");
      thead.appendChild(head);
      table.appendChild(thead);

      var tbody = el("tbody");
      data.compare_rows.forEach(function (row) {
        var tr = el("tr", null, { "data-row": row.key });
        var th = el("th", null, { scope: "row" });
        if (alwaysRows.indexOf(row.key) !== -1) tr.setAttribute("data-always", "1");
        if (differs(products, row.key, alwaysRows, listRows)) {
          tr.classList.add("portal-compare__row--diff");
          tr.setAttribute("data-diff", "1");
          th.appendChild(diffMark());
        }
        th.appendChild(document.createTextNode(row.label));
        tr.appendChild(th);
        var winners = bestOf(products, bestRules[row.key]);
        products.forEach(function (p) {
          var td = cell(p, row.key);
          if (winners.indexOf(p) !== -1) {
            var rule = bestRules[row.key];
            // A 续贷-only product's low rate is not a new loan's offer: the word says so.
            var word = p.product_type === rule.renewal_type ? rule.renewal_word : rule.word;
            td.appendChild(el("strong", word, { "class": "portal-compare__best" }));
          }
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      return table;
    }

    function applyOnlyDiff() {
      var rows = wrap.querySelectorAll("tbody tr");
      Array.prototype.forEach.call(rows, function (tr) {
        tr.hidden = only.checked && !tr.hasAttribute("data-diff") && !tr.hasAttribute("data-always");
      });
    }

    function render() {
      var table = buildTable();
      wrap.textContent = "";
      wrap.appendChild(table);
      var several = products.length > 1;
      onlyWrap.hidden = !several;
      legend.hidden = !several;
      if (!several) only.checked = false;
      applyOnlyDiff();
      cloneStrip.textContent = "";
      products.forEach(function (p) { cloneStrip.appendChild(el("div", p.name, { "class": "portal-cmp__clone-cell" })); });
      updateDates();
      layout();
    }

    // The date the products' information last changed: the newest of the products compared (not
    // the day the site was built). The footer says the same; paper adds the print date and link.
    function updateDates() {
      var newest = newestUpdate(products);
      dates.textContent = "";
      var updated = el("span", null, { "class": "portal-cmp__updated" });
      updated.appendChild(document.createTextNode("产品信息更新日期："));
      updated.appendChild(el("time", isoDateZh(newest), { datetime: newest }));
      if (products.length > 1) updated.appendChild(document.createTextNode("（所对比产品中最近的一次更新）"));
      dates.appendChild(updated);
      dates.appendChild(el("span", "打印日期：" + dateZh(new Date()), { "class": "portal-cmp__printonly" }));
      dates.appendChild(el("span", "本对比的链接：" + window.location.href, { "class": "portal-cmp__printonly" }));
      setFooterDate(newest);
    }

    function setFooterDate(iso) {
      if (!footerTime || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) return;
      footerTime.setAttribute("datetime", iso);
      footerTime.textContent = isoDateZh(iso);
    }

    function showEmpty(message) {
      [tools, copied, share, legend, bar, frame, dates].forEach(function (n) { n.hidden = true; });
      setFooterDate(footerIso);
      empty.hidden = false;
      status.textContent = message;
    }

    // Sideways-scroll hint and the sticky names: sizes follow the real header row.
    function layout() {
      if (frame.hidden) return;
      var ths = wrap.querySelectorAll("thead th");
      if (!ths.length) return;
      hint.hidden = wrap.scrollWidth <= wrap.clientWidth + 1;
      hint.textContent = "左右滑动查看更多 →";
      cloneCorner.style.width = ths[0].getBoundingClientRect().width + "px";
      var cells = cloneStrip.children;
      for (var i = 1; i < ths.length; i += 1) {
        if (cells[i - 1]) cells[i - 1].style.width = ths[i].getBoundingClientRect().width + "px";
      }
      cloneRow.style.width = wrap.clientWidth + "px";
      syncScroll();
      placeClone();
    }

    function syncScroll() {
      cloneStrip.style.transform = "translateX(" + (-wrap.scrollLeft) + "px)";
    }

    function headerBottom() {
      var header = document.querySelector(".md-header");
      if (!header) return 0;
      var pos = window.getComputedStyle(header).position;
      return pos === "sticky" || pos === "fixed" ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
    }

    // Show the copy once the real header row has gone under the site header, while rows remain.
    function placeClone() {
      var thead = wrap.querySelector("thead");
      if (!thead || frame.hidden) { clone.classList.remove("portal-cmp__clone--on"); return; }
      var top = headerBottom();
      clone.style.top = top + "px";
      var headRect = thead.getBoundingClientRect();
      var frameRect = wrap.getBoundingClientRect();
      var on = headRect.bottom < top && frameRect.bottom > top + clone.offsetHeight + 40;
      clone.classList.toggle("portal-cmp__clone--on", on);
    }

    var pending = false;
    function onScroll() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; placeClone(); });
    }

    function remove(id) {
      var index = -1;
      products.forEach(function (p, i) { if (p.product_id === id) index = i; });
      if (index === -1) return;
      var gone = products[index];
      products.splice(index, 1);
      persist();
      copied.textContent = "";            // a copied link is now out of date
      share.hidden = true;
      if (!products.length) {
        showEmpty("已移除“" + gone.name + "”。对比中已没有产品。");
        emptyTitle.focus();
        return;
      }
      render();
      status.textContent = "已移除“" + gone.name + "”，还剩 " + products.length + " 款。" +
        (products.length === 1 ? "再添加一款，即可逐项比较。" : "");
      // Focus goes to the table itself, not to another 移除 button: a second Enter (a double tap,
      // an impatient key) must not remove a second product. From here Tab reaches the names.
      // The view stays put: scrolling the tall table's top into view would hide the names
      // under the site header.
      wrap.focus({ preventScroll: true });
    }

    function copyLink() {
      var url = window.location.href;
      shareInput.value = url;
      function fallback() {
        share.hidden = false;
        shareInput.focus();
        shareInput.select();
        copied.textContent = "请复制上面的链接（手机上长按链接文字，电脑上按 Ctrl+C）。";
      }
      if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(function () {
          copied.textContent = "链接已复制。把它发给别人，打开后看到的就是这份对比。";
        }, fallback);
      } else {
        fallback();
      }
    }

    only.addEventListener("change", function () {
      applyOnlyDiff();
      var diff = wrap.querySelectorAll("tbody tr[data-diff]").length;
      var all = wrap.querySelectorAll("tbody tr").length;
      var kept = data.compare_rows.filter(function (r) { return alwaysRows.indexOf(r.key) !== -1; })
        .map(function (r) { return r.label; });
      status.textContent = only.checked
        ? "只看不同项：显示 " + diff + " 项不同的项目" + (kept.length ? "（" + kept.join("、") + "照常显示）" : "") +
          "，隐藏 " + (all - diff - kept.length) + " 项相同的项目。"
        : "显示全部 " + all + " 项。";
      layout();
    });
    copy.addEventListener("click", copyLink);
    print.addEventListener("click", function () { window.print(); });
    wrap.addEventListener("click", function (e) {
      var button = e.target.closest ? e.target.closest(".portal-compare__remove") : null;
      if (button) remove(button.getAttribute("data-product-id"));
    });
    wrap.addEventListener("scroll", syncScroll, { passive: true });
    window.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener("resize", layout);
    // The 适老化 switch and late fonts change the columns without resizing the window.
    if (window.ResizeObserver) new window.ResizeObserver(function () { layout(); }).observe(frame);
    window.addEventListener("beforeprint", function () { if (data && products.length) updateDates(); });

    fetch(root.getAttribute("data-products"))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (json) {
        data = json;
        data.compare_rows.forEach(function (row) {
          if (!bestRules[row.key]) return;
          if (legendBest.childNodes.length) legendBest.appendChild(document.createTextNode(" "));
          legendBest.appendChild(el("strong", bestRules[row.key].word, { "class": "portal-compare__best" }));
        });
        var byId = {};
        data.products.forEach(function (p) { byId[p.product_id] = p; });
        var known = requested.filter(function (id) { return byId[id]; });
        var messages = [];
        var missing = requested.length - known.length;
        if (missing) {
          messages.push((fromAddress !== null ? "链接中有 " : "之前选择的产品中有 ") + missing +
                        " 款在产品库中找不到（可能已下架或链接不完整），已略去。");
        }
        if (known.length > MAX_COMPARE) messages.push("最多对比 " + MAX_COMPARE + " 款产品，只显示前 " + MAX_COMPARE + " 款。");
        products = known.slice(0, MAX_COMPARE).map(function (id) { return byId[id]; });
        note.textContent = messages.join("");
        note.hidden = !messages.length;
        if (fromAddress !== null || products.length) persist();
        if (!products.length) {
          showEmpty(requested.length ? "没有可以对比的产品。" : "");   // the empty box says it
          return;
        }
        [tools, bar, frame, dates].forEach(function (n) { n.hidden = false; });
        status.textContent = countText();
        render();
      })
      .catch(function () { status.textContent = "产品数据加载失败，请刷新页面重试。"; });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initComparePage);
  else initComparePage();
})();
