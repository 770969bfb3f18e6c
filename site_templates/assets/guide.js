/* 帮我选 (guide/): a few questions whose answers become the product finder's state.

   Nothing leaves the browser: the answers travel to products/ in the fragment
   (products/#customer=…&amount=…), which browsers never send to a server (no request line, no
   Referer), and the finder keeps them there for the visit. This page's own history entry gets the
   same fragment before leaving, so Back returns to the questions as answered; the finder's
   "重新回答 / 修改条件" link comes back the same way. The form's method="dialog" never submits
   anything, even if this script is missing.

   The fragment is a finder state, read and written by the finder's own code (Portal.finder in
   assets/finder-state.js): customer, guarantee, type, program, bank (comma lists), amount, term,
   online=1, renewal=1, sort, q. Conditions this page does not ask about (set on the finder) are
   kept and said so. */
(function () {
  "use strict";

  var Portal = window.Portal, finderState = Portal.finder, formatNumber = Portal.formatNumber;
  // The questions of this page (the state's other keys are kept as they came).
  var ASKED = ["customer", "guarantee", "program", "amount", "term", "online"];
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
  var linked = finderState.empty();    // the state this page was opened with (Back, 修改条件)

  function radios(name) {
    return Array.prototype.slice.call(form.querySelectorAll('input[type=radio][name="' + name + '"]'));
  }

  function sameSet(a, b) {
    var x = a.split(",").filter(Boolean).sort().join(","), y = b.split(",").filter(Boolean).sort().join(",");
    return x === y;
  }

  // An amount as people write it: "30", "1.5", "30万", "30 万元", full-width digits -> 万元;
  // NaN for anything else (the caller says what to write instead, never guesses).
  function amountValue(text) {
    var s = text.normalize ? text.normalize("NFKC") : text;
    var m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:万元?)?\s*$/.exec(s);
    return m ? Number(m[1]) : NaN;
  }

  function syncPicks() {
    picks.forEach(function (b) {
      b.setAttribute("aria-pressed", term.value !== "" && Number(term.value) === Number(b.getAttribute("data-term")) ? "true" : "false");
    });
  }

  // ---------- pre-fill from the fragment (Back, or the finder's 修改条件 link) ----------

  // A condition in the state: a word, a list with values, a flag that is on.
  function given(value) { return value === true || !!(value && value.length); }

  function prefill() {
    var text = window.location.hash.slice(1);
    if (text.indexOf("=") === -1) return;
    linked = finderState.parse(text);
    var unshown = [];
    ["customer", "guarantee", "program", "online"].forEach(function (key) {
      var value = key === "online" ? (linked.online ? "1" : "") : linked[key].join(",");
      if (!value) return;
      var match = radios(key).filter(function (r) { return r.value && sameSet(r.value, value); })[0];
      if (match) match.checked = true;
      else unshown.push(key);
    });
    if (linked.amount !== null) amount.value = formatNumber(linked.amount);
    // As given, never rounded: a fraction from a hand-edited link is named on submit.
    if (linked.term !== null) term.value = String(linked.term);
    syncPicks();
    var notes = [];
    var keptNames = finderState.KEYS.filter(function (k) {
      return ASKED.indexOf(k) === -1 && k !== "sort" && given(linked[k]);
    }).map(function (k) { return labels[k] || k; });
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

  // The answer to a question as the state's list ("" -> none; an answer may stand for several values).
  function checkedList(name) {
    return checkedValue(name).split(",").filter(Boolean);
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
    // The conditions set on the finder stay; the answers replace the rest.
    var state = JSON.parse(JSON.stringify(linked));
    state.customer = checkedList("customer");
    state.guarantee = checkedList("guarantee");
    state.program = checkedList("program");
    state.amount = a;
    state.term = t;
    state.online = checkedValue("online") === "1";
    if (!state.sort) state.sort = DEFAULT_SORT;
    return finderState.params(state);
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
    Portal.session.set(HANDED, fragment);     // storage off: the finder keeps its neutral wording
    // This entry keeps the answers (Back shows them); the finder reads them from its fragment.
    window.history.replaceState(window.history.state, "", window.location.pathname + "#" + fragment);
    window.location.assign(form.getAttribute("data-finder") + "#" + fragment);
  });

  // Back from the finder may restore this page from the cache as it was left.
  window.addEventListener("pageshow", function () { status.textContent = ""; });

  prefill();
})();
