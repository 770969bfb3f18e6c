/* Loan cost calculator on product pages (pages/_calculator.html).

   Amount (万元), months, annual rate (%) and repayment method -> first and last payment, total
   interest, guarantee fee, total cost and the schedule, recomputed on every input and change
   event. A product whose methods all depend on how the loan is drawn (随借随还 …) gets, instead
   of figures nobody could compute, a labelled reference: simple interest on the full amount
   for the full term, P × rate × months ÷ 12.

   The first values may come from the address fragment, products/<id>/#amount=<万元>&term=<months>
   (the finder and 帮我选 link so): a fragment stays in the browser, so the person's figures are
   never sent to the server. A value outside the product's range is clamped and the note says so.

   Money is exact: every amount is a fraction of BigInts (the inputs are decimals, the monthly
   rate is rate / 1200, and (1 + r)^n of a fraction is a fraction), rounded once, half-up, to the
   fen for display. Binary floats would turn 354.775 into 354.77499… and round the wrong way.
   The schedule rounds cumulative sums (row k = round(sum to k) - round(sum to k-1)), so its
   columns add up exactly to the principal and to the total interest shown above it.

   Validity is the browser's own range/step check on the inputs' min/max/step (decimal
   arithmetic, no float noise); the error texts are rendered by the template from the field
   registry. Everything is written with textContent. */
(function () {
  "use strict";

  var root = document.querySelector(".portal-calc");
  if (!root) return;
  var form = root.querySelector(".portal-calc__form");
  // The form exists only to group the inputs: Enter must never navigate away.
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  var inputs = {
    amount: form.elements.namedItem("amount"),
    months: form.elements.namedItem("months"),
    rate: form.elements.namedItem("rate")
  };
  var methodSelect = form.elements.namedItem("method");
  var outputs = {};
  Array.prototype.forEach.call(root.querySelectorAll("[data-calc]"), function (node) {
    outputs[node.getAttribute("data-calc")] = node;
  });
  var status = root.querySelector("[data-calc-status]");
  var announcer = root.querySelector("[data-calc-announce]");
  var used = root.querySelector("[data-calc-inputs]");
  var schedule = root.querySelector("[data-calc-schedule]");
  var rowsBody = root.querySelector("[data-calc-rows]");
  var feeRateText = root.getAttribute("data-guarantee-fee-rate") || "";
  var prefillNote = root.querySelector("[data-calc-prefill]");
  var referenceLead = root.querySelector("[data-calc-reference-lead]");
  var lastFigure = root.querySelector('[data-calc-figure="last-payment"]');

  if (typeof window.BigInt !== "function") {
    // Very old browsers: say so instead of showing figures that cannot be computed exactly.
    status.textContent = "您的浏览器版本较旧，无法在本页估算。请拨打银行电话，请银行按您的金额和期限测算。";
    status.hidden = false;
    return;
  }

  var B = window.BigInt;
  var ZERO = B(0);
  var ONE = B(1);
  var TWO = B(2);
  var TEN = B(10);

  // ---------- exact arithmetic ----------

  function pow(base, exponent) {
    var result = ONE;
    for (var i = 0; i < exponent; i++) result *= base;
    return result;
  }

  // "12.34" -> {n: 1234n, d: 100n}; null when the text is not a plain non-negative decimal.
  function fraction(text) {
    var match = /^(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match) return null;
    var frac = match[2] || "";
    return { n: B(match[1] + frac), d: pow(TEN, frac.length) };
  }

  function placesOf(step) {
    var dot = step.indexOf(".");
    return dot < 0 ? 0 : step.length - dot - 1;
  }

  // An input's value as an exact fraction. Valid values have at most as many decimals as the
  // step, so toFixed() writes the decimal the person typed (also for "1e2"-style input).
  function inputFraction(input) {
    return fraction(Number(input.value).toFixed(placesOf(input.getAttribute("step") || "1")));
  }

  // num/den yuan (both >= 0) -> whole fen, half-up.
  function toCents(num, den) {
    return (num * B(200) + den) / (den * TWO);
  }

  function centsText(cents) {
    var negative = cents < ZERO;
    var digits = (negative ? -cents : cents).toString();
    while (digits.length < 3) digits = "0" + digits;
    return (negative ? "-" : "") + digits.slice(0, -2) + "." + digits.slice(-2);
  }

  // 1000000n fen -> "10,000.00 元": for sentences only; data-calc figures stay bare for machines.
  // A no-break space keeps the unit on the figure's line.
  function groupedText(cents) {
    return centsText(cents).replace(/\B(?=(\d{3})+\.)/g, ",") + "\u00a0元";
  }

  var WAN = B(1000000);         // 1 万元 in fen
  var YI = B(10000000000);      // 1 亿元 in fen

  // 8492163n fen -> "约 8.49 万元", 100000000n -> "即 100 万元"; "" below 1 万元 (already easy).
  function readableText(cents) {
    if (cents === null || cents < WAN) return "";
    var unit = cents >= YI ? YI : WAN;
    var exact = (cents * B(100)) % unit === ZERO;
    var hundredths = (cents * B(200) + unit) / (unit * TWO);     // half-up to 0.01 万元
    var text = centsText(hundredths);
    if (exact) text = text.replace(/\.?0+$/, "");
    return (exact ? "即 " : "约 ") + text + (unit === YI ? " 亿元" : " 万元");
  }

  // Exact decimal text rounded half-up to `places` decimals, trailing zeros dropped ("12.50" -> "12.5").
  function roundedDecimal(f, places) {
    var scale = pow(TEN, places);
    var whole = (f.n * scale * TWO + f.d) / (f.d * TWO);
    var text = centsTextPlaces(whole, places);
    return places ? text.replace(/\.?0+$/, "") : text;
  }

  function centsTextPlaces(scaled, places) {
    var digits = scaled.toString();
    if (!places) return digits;
    while (digits.length <= places) digits = "0" + digits;
    return digits.slice(0, -places) + "." + digits.slice(-places);
  }

  function compare(x, y) {      // fractions: -1, 0, 1
    var left = x.n * y.d;
    var right = y.n * x.d;
    return left < right ? -1 : left > right ? 1 : 0;
  }

  // ---------- the three methods ----------
  // Each returns a common denominator D and the numerators of the cumulative payment and
  // cumulative principal after k periods (k = 0..n), both in yuan: value = numerator / D.
  // P = pn / pd yuan; monthly rate r = a / b.

  function annuity(pn, pd, a, b, n) {
    if (a === ZERO) return straight(pn, pd, a, b, n);
    var grow = [ONE];   // (b + a)^k
    var base = [ONE];   // b^k
    for (var k = 1; k <= n; k++) {
      grow.push(grow[k - 1] * (b + a));
      base.push(base[k - 1] * b);
    }
    var spread = grow[n] - base[n];
    // payment = P·r·(1+r)^n / ((1+r)^n − 1) = pn·a·(b+a)^n / (pd·b·((b+a)^n − b^n))
    var payment = pn * a * grow[n];
    return {
      D: pd * b * spread,
      paid: function (k) { return B(k) * payment; },
      // principal repaid after k periods = P·((1+r)^k − 1) / ((1+r)^n − 1)
      principal: function (k) { return pn * b * (grow[k] * base[n - k] - base[n]); }
    };
  }

  function straight(pn, pd, a, b, n) {
    var bn = B(n);
    // principal after k = k·P/n; interest after k = r·P·(k − k(k−1)/(2n))
    return {
      D: pd * b * TWO * bn,
      paid: function (k) {
        var bk = B(k);
        return bk * pn * TWO * b + a * pn * (TWO * bn * bk - bk * (bk - ONE));
      },
      principal: function (k) { return B(k) * pn * TWO * b; }
    };
  }

  function interestOnly(pn, pd, a, b, n) {
    return {
      D: pd * b,
      paid: function (k) { return B(k) * a * pn + (k === n ? pn * b : ZERO); },
      principal: function (k) { return k === n ? pn * b : ZERO; }
    };
  }

  var METHODS = { "等额本息": annuity, "等额本金": straight, "按月付息到期还本": interestOnly };

  // ---------- the page ----------

  function checkInput(input) {
    var ok = input.value !== "" && input.validity.valid;
    var error = document.getElementById(input.id + "-error");
    if (ok) {
      input.removeAttribute("aria-invalid");
      if (error.textContent) error.textContent = "";
    } else {
      input.setAttribute("aria-invalid", "true");
      var message = error.getAttribute("data-message");
      if (error.textContent !== message) error.textContent = message;
    }
    return ok;
  }

  function part(kind, name) {
    return root.querySelector("[data-calc-" + kind + '="' + name + '"]');
  }

  function setText(node, text) {
    if (!node) return;
    if (node.textContent !== text) node.textContent = text;
    node.hidden = text === "";
  }

  // A figure: the bare number (or "—"), its unit, its 万元 reading and, for computed figures,
  // what it is made of (why === undefined keeps the template's text, e.g. 由银行报价).
  function show(name, cents, why) {
    var node = outputs[name];
    if (!node) return;
    var text = cents === null ? "—" : centsText(cents);
    node.textContent = text;
    node.setAttribute("data-value", cents === null ? "" : text);
    var unit = node.nextElementSibling;
    if (unit && unit.classList.contains("portal-calc__unit")) unit.hidden = cents === null;
    setText(part("readable", name), readableText(cents));
    if (why !== undefined) setText(part("why", name), cents === null ? "" : why);
  }

  // "其中本金 8,333.33 元、利息 2,750.00 元"
  function splitText(principal, interest) {
    return "其中本金 " + groupedText(principal) + "、利息 " + groupedText(interest);
  }

  function cell(tag, text) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (tag === "th") node.setAttribute("scope", "row");
    return node;
  }

  function renderSchedule(plan, n, principalCents) {
    var fragment = document.createDocumentFragment();
    var paidBefore = ZERO;
    var principalBefore = ZERO;
    for (var k = 1; k <= n; k++) {
      var paid = toCents(plan.paid(k), plan.D);
      var principal = toCents(plan.principal(k), plan.D);
      var row = document.createElement("tr");
      row.appendChild(cell("th", String(k)));
      row.appendChild(cell("td", centsText(paid - paidBefore)));
      row.appendChild(cell("td", centsText(principal - principalBefore)));
      row.appendChild(cell("td", centsText(paid - paidBefore - (principal - principalBefore))));
      row.appendChild(cell("td", centsText(principalCents - principal)));
      fragment.appendChild(row);
      paidBefore = paid;
      principalBefore = principal;
    }
    rowsBody.textContent = "";
    rowsBody.appendChild(fragment);
    root.querySelector('[data-calc-sum="payment"]').textContent = centsText(paidBefore);
    root.querySelector('[data-calc-sum="principal"]').textContent = centsText(principalBefore);
    root.querySelector('[data-calc-sum="interest"]').textContent = centsText(paidBefore - principalBefore);
  }

  function showFormula(method) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-formula]"), function (node) {
      if (node.getAttribute("data-formula") !== "reference") node.hidden = node.getAttribute("data-formula") !== method;
    });
  }

  // Period k of a plan, each part rounded once from its exact value; the interest is the
  // rounded payment less the rounded principal, so the parts add up to the payment shown.
  function period(plan, k) {
    var payment = toCents(plan.paid(k) - plan.paid(k - 1), plan.D);
    var principal = toCents(plan.principal(k) - plan.principal(k - 1), plan.D);
    return { payment: payment, principal: principal, interest: payment - principal };
  }

  // What the first and the last payment consist of, in words, for each method.
  function describe(method, n, first, last) {
    var once = n === 1;
    var why = { first: splitText(first.principal, first.interest), last: splitText(last.principal, last.interest) };
    if (method === "等额本息") {
      why.first += "；每期还款额相同";
      why.last += "；与首期相同";
    } else if (method === "等额本金") {
      why.first += "；每期本金相同，利息逐月减少";
      why.last += once ? "" : "；还款额逐月减少，末期最少";
    } else if (once) {
      why.first = why.last = "只借 1 个月：连本带息一次还清，本金 " + groupedText(last.principal) +
        " + 利息 " + groupedText(last.interest);
    } else {
      why.first = "每月只付利息，本金在第 " + n + " 期（最后一期）一起还";
      why.last = "最后一期连本带息一次还清：本金 " + groupedText(last.principal) + " + 当月利息 " +
        groupedText(last.interest);
    }
    return why;
  }

  var lastSummary = "";

  function compute() {
    var valid = [inputs.amount, inputs.months, inputs.rate].map(checkInput).every(Boolean);
    var method = methodSelect ? methodSelect.value : "";
    if (method) showFormula(method);
    var plan = null;
    var result = null;
    var why = {};
    if (valid) {
      var amount = inputFraction(inputs.amount);                 // 万元
      var rate = inputFraction(inputs.rate);                     // % a year
      var n = Number(inputs.months.value);
      var pn = amount.n * B(10000);                              // P = pn / pd yuan
      var pd = amount.d;
      var principalCents = toCents(pn, pd);
      var fee = fraction(feeRateText);
      // fee = P × rate% / 100 × months / 12
      var feeCents = fee ? toCents(pn * fee.n * B(n), pd * fee.d * B(1200)) : ZERO;
      result = { n: n, principal: principalCents, fee: feeCents, first: null, last: null, interest: null,
                 cost: null, reference: null };
      if (METHODS[method]) {
        plan = METHODS[method](pn, pd, rate.n, rate.d * B(1200), n);
        var first = period(plan, 1);
        var last = period(plan, n);
        result.first = first.payment;
        result.last = last.payment;
        result.interest = toCents(plan.paid(n), plan.D) - principalCents;
        result.cost = result.interest + feeCents;
        why = describe(method, n, first, last);
      } else {
        // Reference only (no method computed): P × rate% / 100 × months / 12, simple interest.
        result.reference = toCents(pn * rate.n * B(n), pd * rate.d * B(1200));
      }
      used.textContent = "本次代入：本金 " + groupedText(principalCents) + "，" +
        (plan ? "月利率 = " + inputs.rate.value + "% ÷ 12，期数 " : "年化利率 " + inputs.rate.value + "%，月数 ") + n +
        (fee ? "，担保费率 " + feeRateText + "%（年化）" : "") + "。";
      used.hidden = false;
    } else {
      used.hidden = true;
    }
    // Computed figures say what they consist of; the bank-quoted ones keep their wording.
    show("first-payment", result && result.first, methodSelect ? why.first || "" : undefined);
    show("last-payment", result && result.last, methodSelect ? why.last || "" : undefined);
    show("total-interest", result && result.interest);
    show("total-fee", result && result.fee);
    show("total-cost", result && result.cost);
    show("interest-reference", result && result.reference);
    if (referenceLead) {
      referenceLead.textContent = result ? "如按年化利率 " + inputs.rate.value + "% 全额使用 " + result.n + " 个月，利息约"
        : "如按年化利率全额使用到期，利息约";
    }
    if (lastFigure) {
      // 按月付息到期还本: the last month repays the whole principal. Said in words in the label
      // and the line below, and marked by a heavier frame (never by colour alone).
      var balloon = !!plan && method === "按月付息到期还本";
      lastFigure.classList.toggle("portal-calc__figure--balloon", balloon);
      setText(part("period", "last-payment"), plan ? "（第 " + result.n + " 期" + (balloon ? "，含全部本金" : "") + "）" : "");
    }
    status.textContent = valid ? "" : "请先按提示改正上面的输入，再看估算结果。";
    status.hidden = valid;
    if (schedule) {
      schedule.hidden = !plan;
      if (plan) renderSchedule(plan, result.n, result.principal);
      else rowsBody.textContent = "";
    }
    return { valid: valid, result: result, method: method };
  }

  // Screen readers hear the new figures once a value is committed (change), not on every key.
  function announce(state, lead) {
    var text;
    if (!state.valid) {
      text = "输入有误，请按提示修改。";
    } else {
      var r = state.result;
      text = "估算：" + (r.first !== null ? "首期还款 " + centsText(r.first) + " 元，末期还款 " + centsText(r.last) +
        " 元，总利息 " + centsText(r.interest) + " 元，" : "") +
        (r.reference !== null ? "参考利息约 " + centsText(r.reference) + " 元，" : "") +
        "担保费 " + centsText(r.fee) + " 元" + (r.cost !== null ? "，总成本 " + centsText(r.cost) + " 元" : "") + "。";
    }
    if (lead) text = lead + text;
    if (text !== lastSummary) {
      lastSummary = text;
      announcer.textContent = text;
    }
  }

  // ---------- starting values from the address fragment ----------
  // #amount=<万元>&term=<months>. Anything else in the fragment (#calculator, other keys) and
  // values that are not plain positive numbers are ignored; the query string is never read.

  var prefilled = [];   // {kind: "amount"|"term", out: clamped?, value: asked, used: set}

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return values[key]; });
  }

  // The note above the inputs: what was taken from the link, and any value that was clamped.
  function prefillText() {
    var taken = prefilled.filter(function (g) { return !g.out; }).map(function (g) {
      return fill(prefillNote.getAttribute("data-" + g.kind), g);
    });
    var clamped = prefilled.filter(function (g) { return g.out; }).map(function (g) {
      return fill(prefillNote.getAttribute("data-" + g.kind + (g.bad ? "-bad" : "-out")), g);
    });
    return (taken.length ? fill(prefillNote.getAttribute("data-in"), { parts: taken.join("、") }) : "") + clamped.join("");
  }

  // One input from the fragment, clamped to its min/max. A value that is not a plain positive
  // number (a term must be whole) keeps the default and is reported as unreadable, so nobody
  // takes the default for their own figure. An amount is rounded half-up to the input's step.
  function prefill(input, raw, places, kind) {
    if (raw === null) return null;
    raw = raw.trim();
    var unreadable = { kind: kind, out: true, bad: true, value: raw.slice(0, 20), used: input.value };
    var f = /^\d+(\.\d+)?$/.test(raw) ? fraction(raw) : null;
    if (!f || (places === 0 && f.d !== ONE && f.n % f.d !== ZERO)) return raw ? unreadable : null;
    var text = roundedDecimal(f, places);
    f = fraction(text);
    if (f.n === ZERO) return unreadable;
    var min = input.getAttribute("min");
    var max = input.getAttribute("max");
    var use = compare(f, fraction(min)) < 0 ? min : compare(f, fraction(max)) > 0 ? max : text;
    input.value = use;
    return { kind: kind, out: use !== text, value: text, used: use };
  }

  function applyFragment() {
    if (!prefillNote) return false;
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    var got = [
      prefill(inputs.amount, params.get("amount"), placesOf(inputs.amount.getAttribute("step") || "1"), "amount"),
      prefill(inputs.months, params.get("term"), 0, "term")
    ].filter(Boolean);
    if (!got.length) return false;
    prefilled = got;
    setText(prefillNote, prefillText());
    return true;
  }

  // Once the person changes a value taken from the link, its part of the note is history.
  function forget(kind) {
    var before = prefilled.length;
    prefilled = prefilled.filter(function (g) { return g.kind !== kind; });
    if (prefilled.length !== before) setText(prefillNote, prefillText());
  }

  form.addEventListener("input", function (event) {
    if (event.target === inputs.amount) forget("amount");
    if (event.target === inputs.months) forget("term");
    compute();
  });
  form.addEventListener("change", function () { announce(compute()); });
  // Back/forward may restore typed values into a cached page: recompute from what is shown.
  window.addEventListener("pageshow", function () { compute(); });
  window.addEventListener("hashchange", function () {
    if (applyFragment()) announce(compute(), prefillNote.textContent);
  });
  applyFragment();
  compute();
})();
