/* 帮我选 (guide/): a few questions whose answers become the product finder's state.

   Nothing leaves the browser: the answers travel to products/ in the fragment
   (products/#customer=…&amount=…), which browsers never send to a server (no request line, no
   Referer), and the finder keeps them there for the visit. This page's own history entry gets the
   same fragment before leaving, so Back returns to the questions as answered; the finder's
   "重新回答 / 修改条件" link comes back the same way. The form's method="dialog" never submits
   anything, even if this script is missing.

   The fragment uses the finder's keys and value lists (assets/products.js stateFromUrl):
   customer, guarantee, type, program, bank (comma lists), amount, term, online=1, renewal=1,
   sort, q. Conditions this page does not ask about (set on the finder) are kept and said so. */
(function () {
  "use strict";

  // The questions of this page, and the finder's other keys, in the finder's own order.
  var ASKED = ["customer", "guarantee", "program", "amount", "term", "online"];
  var ORDER = ["q", "customer", "guarantee", "type", "program", "bank", "amount", "term", "online", "renewal", "sort"];
  var DEFAULT_SORT = "rate";     // lowest annual rate first: the ranking the page promises
  // The fragment handed to the finder in this tab's session (assets/products.js reads the same
  // key): only then does the finder say "按您在“帮我选”中的回答列出"; someone who opens a shared
  // link answered nothing.
  var HANDED = "portal-guide-handed";

  var form = document.getElementById("guide-form");
  if (!form) return;
  var amount = document.getElementById("guide-amount");
  var term = document.getElementById("guide-term");
  var status = document.getElementById("guide-status");
  var keptNote = document.getElementById("guide-kept");
  var picks = Array.prototype.slice.call(form.querySelectorAll(".portal-guide__pick"));
  var labels = {};
  try { labels = JSON.parse(form.getAttribute("data-labels") || "{}"); } catch (e) { labels = {}; }
  var kept = {};      // finder conditions this page does not ask about: key -> raw value

  function radios(name) {
    return Array.prototype.slice.call(form.querySelectorAll('input[type=radio][name="' + name + '"]'));
  }

  function sameSet(a, b) {
    var x = a.split(",").filter(Boolean).sort().join(","), y = b.split(",").filter(Boolean).sort().join(",");
    return x === y;
  }

  function positive(value) {
    var n = parseFloat(value);
    return isFinite(n) && n > 0 ? n : null;
  }

  // An amount as people write it: "30", "1.5", "30万", "30 万元", full-width digits -> 万元;
  // NaN for anything else (the caller says what to write instead, never guesses).
  function amountValue(text) {
    var s = text.normalize ? text.normalize("NFKC") : text;
    var m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:万元?)?\s*$/.exec(s);
    return m ? Number(m[1]) : NaN;
  }

  // Numbers as the finder writes them: 30, 1.5 (no float noise).
  function formatNumber(value) {
    return Number(value).toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
  }

  function syncPicks() {
    picks.forEach(function (b) {
      b.setAttribute("aria-pressed", term.value !== "" && Number(term.value) === Number(b.getAttribute("data-term")) ? "true" : "false");
    });
  }

  // ---------- pre-fill from the fragment (Back, or the finder's 修改条件 link) ----------

  function prefill() {
    var text = window.location.hash.slice(1);
    if (text.indexOf("=") === -1) return;
    var params = new URLSearchParams(text);
    var unshown = [];
    ["customer", "guarantee", "program", "online"].forEach(function (key) {
      var value = params.get(key) || "";
      if (!value) return;
      var match = radios(key).filter(function (r) { return r.value && sameSet(r.value, value); })[0];
      if (match) match.checked = true;
      else unshown.push(key);
    });
    var a = positive(params.get("amount"));
    if (a !== null) amount.value = formatNumber(a);
    // As given, never rounded: a fraction from a hand-edited link is named on submit.
    var t = positive(params.get("term"));
    if (t !== null) term.value = String(t);
    syncPicks();
    ORDER.forEach(function (key) {
      if (ASKED.indexOf(key) === -1 && params.get(key)) kept[key] = params.get(key);
    });
    var notes = [];
    var keptNames = Object.keys(kept).filter(function (k) { return k !== "sort"; })
      .map(function (k) { return labels[k] || k; });
    if (keptNames.length) {
      notes.push("还会保留您在产品列表中设置的其他条件（" + keptNames.join("、") + "），可在结果页逐个去掉。");
    }
    if (unshown.length) {
      notes.push("您在产品列表中为“" + unshown.map(function (k) { return labels[k] || k; }).join("、") +
        "”选了多项，这里只能选一项；提交后按这里的回答查找。");
    }
    keptNote.textContent = notes.join("");
    keptNote.hidden = notes.length === 0;
  }

  // ---------- answers -> the finder's state ----------

  function checkedValue(name) {
    var r = radios(name).filter(function (x) { return x.checked; })[0];
    return r ? r.value : "";
  }

  function showError(input, message) {
    var box = document.getElementById(input.id + "-error");
    box.textContent = message;
    box.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  // Returns the fragment, or null after saying what to correct.
  function answers() {
    var errors = [];
    var a = null, t = null;
    if (amount.value.trim() !== "") {
      a = amountValue(amount.value);
      if (!(a > 0)) {
        errors.push([amount, /[零〇一二两三四五六七八九十百千万亿]/.test(amount.value) && isNaN(a) ?
          "请用数字填写，如三十万元填 30，一万五千元填 1.5；不确定可以不填。" :
          "请填写大于 0 的数字（单位：万元），如 30 或 1.5；不确定可以不填。"]);
        a = null;
      }
    }
    // Months are whole: a fraction is named, never rounded (1.5 must not quietly become 2).
    if (term.validity.badInput || term.value.trim() !== "") {
      t = Number(term.value);
      if (term.validity.badInput || !(t > 0)) errors.push([term, "请填写大于 0 的整数月数，例如 12；不确定可以不填。"]);
      else if (t % 1) errors.push([term, "请填写整数月数，例如 12。"]);
    }
    showError(amount, "");
    showError(term, "");
    if (errors.length) {
      errors.forEach(function (e) { showError(e[0], e[1]); });
      status.textContent = "有 " + errors.length + " 处需要修改：" + errors.map(function (e) { return e[1]; }).join("");
      errors[0][0].focus();
      return null;
    }
    var values = {
      customer: checkedValue("customer"),
      guarantee: checkedValue("guarantee"),
      program: checkedValue("program"),
      amount: a === null ? "" : formatNumber(a),
      term: t === null ? "" : String(t),
      online: checkedValue("online")
    };
    Object.keys(kept).forEach(function (k) { values[k] = kept[k]; });
    if (!values.sort) values.sort = DEFAULT_SORT;
    var params = new URLSearchParams();
    ORDER.forEach(function (k) { if (values[k]) params.set(k, values[k]); });
    return params.toString();
  }

  // ---------- wiring ----------

  picks.forEach(function (b) {
    b.addEventListener("click", function () {
      term.value = b.getAttribute("data-term");
      showError(term, "");
      syncPicks();
    });
  });
  term.addEventListener("input", syncPicks);

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var fragment = answers();
    if (fragment === null) return;
    status.textContent = "正在打开相符的产品……";
    try { window.sessionStorage.setItem(HANDED, fragment); } catch (err) { /* storage off: neutral wording */ }
    // This entry keeps the answers (Back shows them); the finder reads them from its fragment.
    window.history.replaceState(window.history.state, "", window.location.pathname + "#" + fragment);
    window.location.assign(form.getAttribute("data-finder") + "#" + fragment);
  });

  // Back from the finder may restore this page from the cache as it was left.
  window.addEventListener("pageshow", function () { status.textContent = ""; });

  prefill();
})();
