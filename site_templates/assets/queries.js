/* Plain-language queries: what an enterprise types (个体户, 农商行, 不要抵押, 利率最低) -> finder
   conditions, sort order and catalogue words. The rules come from content/queries.yml through
   generator/content/queries.py (QueryRules.to_browser()); the finder passes them in as `compiled`.
   Pure functions: no DOM, no storage, no network. ES5, no dependencies. */
(function () {
  "use strict";

  // Whitespace, control characters and punctuation after NFKC (spelled out: \s differs between
  // Python and JavaScript); the same class as generator/content/queries.py SEPARATOR_CLASS
  // (a browser test compares the two). Parts of a query between separators are independent:
  // a phrase never spans a separator.
  var SEPARATOR = /[\x00-\x20!-\/:-@\[-`{-~\x7f-\xbf\u1680\u00d7\u00f7\u2000-\u206f\u2e00-\u2e7f\u3000-\u3004\u3008-\u303f\ufe10-\ufe1f\ufe30-\ufe6f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\ufeff]/;
  var LIST_KEYS = ["customer", "guarantee", "type", "program", "bank"];
  var FLAG_KEYS = ["online", "renewal"];

  function isSeparator(ch) {
    return SEPARATOR.test(ch);
  }

  // NFKC (full-width ＡＢ１ -> AB1) where the browser has it, and lower-case ASCII: the same
  // normalisation the phrases got in Python.
  function normalise(text) {
    var s = text === null || text === undefined ? "" : String(text);
    if (typeof s.normalize === "function") {
      try { s = s.normalize("NFKC"); } catch (e) { /* keep the text as typed */ }
    }
    return s.replace(/[A-Z]+/g, function (m) { return m.toLowerCase(); });
  }

  // First character -> phrase entries, keeping the compiled order (longest first).
  function indexPhrases(phrases) {
    var index = {};
    for (var i = 0; i < phrases.length; i++) {
      var entry = phrases[i];
      if (!entry || typeof entry.phrase !== "string" || !entry.phrase) continue;
      var first = entry.phrase.charAt(0);
      if (!Object.prototype.hasOwnProperty.call(index, first)) index[first] = [];
      index[first].push(entry);
    }
    for (var key in index) {
      if (Object.prototype.hasOwnProperty.call(index, key)) {
        index[key].sort(function (a, b) { return b.phrase.length - a.phrase.length; });
      }
    }
    return index;
  }

  // The longest entry whose phrase starts at `at` (one-character phrases only where allowed).
  function longestAt(s, at, index, singleOk) {
    var first = s.charAt(at);
    if (!Object.prototype.hasOwnProperty.call(index, first)) return null;
    var entries = index[first];
    for (var i = 0; i < entries.length; i++) {
      var phrase = entries[i].phrase;
      if (phrase.length === 1 && !singleOk) continue;
      if (s.substr(at, phrase.length) === phrase) return entries[i];
    }
    return null;
  }

  function addAll(target, values) {
    if (!values || typeof values.length !== "number") return;
    for (var i = 0; i < values.length; i++) {
      if (typeof values[i] === "string" && target.indexOf(values[i]) === -1) target.push(values[i]);
    }
  }

  function emptyState() {
    return { customer: [], guarantee: [], type: [], program: [], bank: [], online: false, renewal: false };
  }

  // Rest of the query: drop punctuation at the ends of each word and words of punctuation only.
  function tidy(text) {
    var words = text.split(/\s+/);
    var kept = [];
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      var start = 0;
      var end = w.length;
      while (start < end && isSeparator(w.charAt(start))) start++;
      while (end > start && isSeparator(w.charAt(end - 1))) end--;
      if (end > start) kept.push(w.substring(start, end));
    }
    return kept.join(" ");
  }

  /* interpret(text, compiled) -> {
       rest: the normalised text without the recognised phrases, whitespace collapsed,
       set: {customer, guarantee, type, program, bank: [values], online, renewal: bool},
       sort: "rate" | "rate-max" | "amount" | "days" | "updated" | null (the first one typed),
       search: [catalogue words to add to the text search],
       matches: [{phrase, label}] in the order typed
     }
     Left to right, the longest phrase starting at each position wins, so 个体工商户 (a
     protected catalogue word) is taken whole before 工商 could be. A protected phrase
     (rule null) is consumed without effect and stays in `rest`. A one-character phrase (快)
     counts only on its own: at the start of a part or right after a recognised phrase, and at
     the end of a part or right before another phrase (经营快贷 is not 快). Values of several
     rules for the same key are united. */
  function interpret(text, compiled) {
    var s = normalise(text);
    var rules = (compiled && compiled.rules) || [];
    var index = indexPhrases((compiled && compiled.phrases) || []);
    var result = { rest: "", set: emptyState(), sort: null, search: [], matches: [] };
    var seen = {};
    var rest = "";
    var afterPhrase = false;   // the previous position ended a recognised phrase
    var i = 0;
    while (i < s.length) {
      var ch = s.charAt(i);
      if (isSeparator(ch)) {
        rest += ch;
        afterPhrase = false;
        i += 1;
        continue;
      }
      var leftOk = i === 0 || afterPhrase || isSeparator(s.charAt(i - 1));
      var rightOk = i + 1 >= s.length || isSeparator(s.charAt(i + 1)) ||
        longestAt(s, i + 1, index, false) !== null;
      var entry = longestAt(s, i, index, leftOk && rightOk);
      if (!entry) {
        rest += ch;
        afterPhrase = false;
        i += 1;
        continue;
      }
      var rule = typeof entry.rule === "number" ? rules[entry.rule] : null;
      if (!rule) {
        rest += entry.phrase;          // protected catalogue word: kept for the text search
      } else {
        rest += " ";
        applyRule(result, rule, entry.phrase, seen);
      }
      afterPhrase = true;
      i += entry.phrase.length;
    }
    result.rest = tidy(rest);
    return result;
  }

  function applyRule(result, rule, phrase, seen) {
    var state = rule.set || {};
    for (var k = 0; k < LIST_KEYS.length; k++) addAll(result.set[LIST_KEYS[k]], state[LIST_KEYS[k]]);
    for (var f = 0; f < FLAG_KEYS.length; f++) {
      if (state[FLAG_KEYS[f]] === true) result.set[FLAG_KEYS[f]] = true;
    }
    if (result.sort === null && typeof rule.sort === "string" && rule.sort) result.sort = rule.sort;
    addAll(result.search, rule.search);
    var label = typeof rule.label === "string" ? rule.label : "";
    var key = phrase + "\u0000" + label;
    if (!Object.prototype.hasOwnProperty.call(seen, key)) {
      seen[key] = true;
      result.matches.push({ phrase: phrase, label: label });
    }
  }

  /* numbers(text) -> {amount (万元) | null, term (months) | null, rest, labels}: "30万",
     "30万元", "1.5亿", "300000元" -> amount; "12个月", "3年" -> term; rest is the text without
     them; labels say what was read ("需要的金额 30 万元"). Used by the finder and the site search,
     so both read a query alike and say so in the same words. */
  function numbers(text) {
    var out = { amount: null, term: null, rest: text || "", labels: [] };
    var amount = /(\d+(?:\.\d+)?)\s*(亿元|亿|万元|万|元)/.exec(out.rest);
    if (amount) {
      var value = parseFloat(amount[1]);
      value = amount[2].charAt(0) === "亿" ? value * 10000 : amount[2] === "元" ? value / 10000 : value;
      if (value > 0) {
        out.amount = value;
        out.labels.push("需要的金额 " + value.toFixed(4).replace(/0+$/, "").replace(/\.$/, "") + " 万元");
        out.rest = out.rest.replace(amount[0], " ");
      }
    }
    var term = /(\d+(?:\.\d+)?)\s*(个月|月|年)/.exec(out.rest);
    if (term) {
      var months = Math.round(parseFloat(term[1]) * (term[2] === "年" ? 12 : 1));
      if (months > 0) {
        out.term = months;
        out.labels.push("需要的期限 " + months + " 个月");
        out.rest = out.rest.replace(term[0], " ");
      }
    }
    return out;
  }

  window.PortalQueries = { interpret: interpret, normalise: normalise, isSeparator: isSeparator, numbers: numbers };
}());
