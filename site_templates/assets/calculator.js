/* Loan cost calculator on product pages (pages/_calculator.html).

   Amount (万元), months, annual rate (%) and repayment method -> first payment, total interest,
   guarantee fee, total cost and the schedule, recomputed on every input and change event.

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

  function show(name, cents) {
    var node = outputs[name];
    if (!node) return;
    var text = cents === null ? "—" : centsText(cents);
    node.textContent = text;
    node.setAttribute("data-value", cents === null ? "" : text);
    var unit = node.nextElementSibling;
    if (unit && unit.classList.contains("portal-calc__unit")) unit.hidden = cents === null;
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
      node.hidden = node.getAttribute("data-formula") !== method;
    });
  }

  var lastSummary = "";

  function compute() {
    var valid = [inputs.amount, inputs.months, inputs.rate].map(checkInput).every(Boolean);
    var method = methodSelect ? methodSelect.value : "";
    if (method) showFormula(method);
    var plan = null;
    var result = null;
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
      result = { n: n, principal: principalCents, fee: feeCents, first: null, interest: null, cost: null };
      if (METHODS[method]) {
        plan = METHODS[method](pn, pd, rate.n, rate.d * B(1200), n);
        result.first = toCents(plan.paid(1), plan.D);
        result.interest = toCents(plan.paid(n), plan.D) - principalCents;
        result.cost = result.interest + feeCents;
      }
      used.textContent = "本次代入：本金 " + centsText(principalCents) + " 元，" +
        (plan ? "月利率 = " + inputs.rate.value + "% ÷ 12，期数 " : "月数 ") + n +
        (fee ? "，担保费率 " + feeRateText + "%（年化）" : "") + "。";
      used.hidden = false;
    } else {
      used.hidden = true;
    }
    show("first-payment", result && result.first);
    show("total-interest", result && result.interest);
    show("total-fee", result && result.fee);
    show("total-cost", result && result.cost);
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
  function announce(state) {
    var text;
    if (!state.valid) {
      text = "输入有误，请按提示修改。";
    } else {
      var r = state.result;
      text = "估算：" + (r.first !== null ? "首期还款 " + centsText(r.first) + " 元，总利息 " + centsText(r.interest) + " 元，" : "") +
        "担保费 " + centsText(r.fee) + " 元" + (r.cost !== null ? "，总成本 " + centsText(r.cost) + " 元" : "") + "。";
    }
    if (text !== lastSummary) {
      lastSummary = text;
      announcer.textContent = text;
    }
  }

  form.addEventListener("input", function () { compute(); });
  form.addEventListener("change", function () { announce(compute()); });
  // Back/forward may restore typed values into a cached page: recompute from what is shown.
  window.addEventListener("pageshow", function () { compute(); });
  compute();
})();
