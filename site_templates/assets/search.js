/* Site search (search/): one result per page, on Pagefind's JS API (no PagefindUI).
   - State lives in the URL: ?q=<query>&kind=<类别,…>&bank=<银行,…> (values separated by commas,
     a comma inside a value is %2C); every change is a history entry, so Back steps back.
   - Filters 类别 and 银行: OR within a group ({any: [...]}), AND across groups. The count next to
     a value is the number of results the query would have with that value added to its group,
     i.e. with every other group's selection applied (Pagefind's `filters`/`totalFilters`, plus
     one extra search per group when both groups are in use).
   - Excerpt: the page's `summary` meta when it has one, else Pagefind's excerpt widened to whole
     sentences of the page text. Page data only ever reaches the DOM through textContent and
     <mark> elements we create; it is never parsed as HTML.
   - Plain-language queries: the first time a query is run, the product finder's rules are loaded
     (assets/queries.js and the compiled content/queries.yml, the same ones products/ uses). When
     the query holds a phrase they understand (个体户, 不要抵押 …), an amount (30万, 1.5亿) or a term
     (12个月, 3年), a box above the results says what it was understood as and links to the
     finder with the query as typed (products/?q=…), which re-interprets it. Otherwise a plain
     "在产品库中查看" link does the same, shown for every non-empty query (worded "按条件查找"
     when no product was found), so the visitor can always go on to the finder.
   No inline script or style: the site runs under a strict CSP. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var GROUPS = [
    { key: "kind", filter: "类别", order: ["产品", "政策", "案例", "通知", "银行", "页面"] },
    { key: "bank", filter: "银行", order: null }
  ];
  var KIND_CLASS = { "产品": "product", "政策": "policy", "案例": "case", "通知": "notice", "银行": "bank", "页面": "page" };
  var KIND_BY_SECTION = { products: "产品", policies: "政策", cases: "案例", notices: "通知", banks: "银行" };
  var EXCERPT_MAX = 110;   // characters of a fallback excerpt (about three lines on a phone)

  var root = document.getElementById("portal-ss");
  if (!root) return;
  var form = document.getElementById("portal-ss-form");
  var input = document.getElementById("portal-ss-q");
  var status = document.getElementById("portal-ss-status");
  var tools = document.getElementById("portal-ss-tools");
  var toggle = document.getElementById("portal-ss-toggle");
  var activeCount = document.getElementById("portal-ss-active");
  var productsLink = document.getElementById("portal-ss-products");
  var intentBox = document.getElementById("portal-ss-intent");
  var intentLabels = document.getElementById("portal-ss-intent-labels");
  var intentLink = document.getElementById("portal-ss-intent-link");
  var body = document.getElementById("portal-ss-body");
  var panel = document.getElementById("portal-ss-filters");
  var clearButton = document.getElementById("portal-ss-clear");
  var list = document.getElementById("portal-ss-list");
  var more = document.getElementById("portal-ss-more");
  var siteRoot = new URL(root.getAttribute("data-root") || "../", window.location.href);
  var bundleUrl = new URL(root.getAttribute("data-bundle") || "../pagefind/", window.location.href).href;
  var queriesUrl = new URL(root.getAttribute("data-queries") || "assets/data/finder-queries.json", siteRoot).href;
  var baseTitle = document.title;

  var pagefindPromise = null;
  var queriesPromise = null;
  var linksFor = null;       // the query the finder box and link were made for
  var generation = 0;        // a newer search makes the results of an older one obsolete
  var results = [];
  var shown = 0;
  var lastQuery = "";

  // ------------------------------------------------------------------ URL state

  function decodePart(text) {
    try { return decodeURIComponent(text.replace(/\+/g, " ")); } catch (e) { return text; }
  }

  function readState() {
    var state = { q: "", kind: [], bank: [] };
    window.location.search.replace(/^\?/, "").split("&").forEach(function (pair) {
      if (!pair) return;
      var eq = pair.indexOf("=");
      var key = decodePart(eq < 0 ? pair : pair.slice(0, eq));
      var raw = eq < 0 ? "" : pair.slice(eq + 1);
      if (key === "q") state.q = decodePart(raw).trim();
      else if (key === "kind" || key === "bank") {
        raw.split(",").forEach(function (part) {
          var value = decodePart(part).trim();
          if (value && state[key].indexOf(value) < 0) state[key].push(value);
        });
      }
    });
    return state;
  }

  function stateUrl(state) {
    var parts = [];
    if (state.q) parts.push("q=" + encodeURIComponent(state.q));
    GROUPS.forEach(function (g) {
      if (state[g.key].length) parts.push(g.key + "=" + state[g.key].map(encodeURIComponent).join(","));
    });
    return window.location.pathname + (parts.length ? "?" + parts.join("&") : "");
  }

  function sameState(a, b) {
    return a.q === b.q && a.kind.join(",") === b.kind.join(",") && a.bank.join(",") === b.bank.join(",");
  }

  var current = readState();

  function navigate(state) {
    if (sameState(state, current)) return;
    current = state;
    window.history.pushState(null, "", stateUrl(state));
    run();
  }

  // ------------------------------------------------------------------ Pagefind

  // A large site's index is built in parts (generator/site/search.py index_site): part 1 is the
  // bundle, the others are listed in its entry file under "portal_parts" and merged here, so one
  // search covers all of them (Pagefind sums the filter counts and orders results by score).
  // A site indexed in one run lists none.
  function indexParts() {
    return window.fetch(bundleUrl + "pagefind-entry.json").then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (entry) {
      var parts = entry && entry.portal_parts;
      return Array.isArray(parts) ? parts.filter(function (p) { return /^part-\d+\/$/.test(p); }) : [];
    });
  }

  function loadPagefind() {
    if (!pagefindPromise) {
      var options = { baseUrl: siteRoot.pathname, excerptLength: 40 };
      pagefindPromise = Promise.all([import(bundleUrl + "pagefind.js"), indexParts()]).then(function (both) {
        var pagefind = both[0], parts = both[1];
        return Promise.resolve(pagefind.options(options))
          .then(function () { return pagefind.init ? pagefind.init() : null; })
          .then(function () {
            return Promise.all(parts.map(function (part) { return pagefind.mergeIndex(bundleUrl + part, options); }));
          })
          // Loading the filter index up front makes search() return per-value counts.
          .then(function () { return pagefind.filters(); })
          .then(function () { return pagefind; });
      });
    }
    return pagefindPromise;
  }

  function filterSpec(state, except) {
    var spec = {};
    GROUPS.forEach(function (g) {
      if (g.key !== except && state[g.key].length) spec[g.filter] = { any: state[g.key].slice() };
    });
    return spec;
  }

  // Counts per group: what each value would give if it were added to that group's selection.
  function facetCounts(pagefind, state, main) {
    var tasks = GROUPS.map(function (g) {
      var others = GROUPS.some(function (o) { return o.key !== g.key && state[o.key].length; });
      if (!others) return Promise.resolve((main.totalFilters || {})[g.filter] || {});
      if (!state[g.key].length) return Promise.resolve((main.filters || {})[g.filter] || {});
      return pagefind.search(state.q, { filters: filterSpec(state, g.key) }).then(function (r) {
        return (r && r.filters && r.filters[g.filter]) || {};
      });
    });
    return Promise.all(tasks);
  }

  // ------------------------------------------------------------------ plain-language queries

  // The finder's rules: assets/queries.js (window.PortalQueries) and the compiled rules JSON,
  // loaded once, when the first query is run. Resolves to the rules, or null when either does
  // not load (then only amounts and terms are recognised; the search itself is unaffected).
  function loadQueries() {
    if (!queriesPromise) {
      var script = new Promise(function (resolve, reject) {
        if (window.PortalQueries) { resolve(); return; }
        var tag = document.createElement("script");
        tag.src = new URL("assets/queries.js", siteRoot).href;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
      var rules = window.fetch(queriesUrl).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status + " " + queriesUrl);
        return response.json();
      });
      queriesPromise = Promise.all([script, rules]).then(function (both) {
        return window.PortalQueries && both[1] && both[1].rules ? both[1] : null;
      }).catch(function (error) {
        if (window.console) window.console.warn(error);
        return null;
      });
    }
    return queriesPromise;
  }

  // An amount (30万, 1.5亿) and a term (12个月, 3年), read and worded as the finder does
  // (PortalQueries.numbers in assets/queries.js).
  function numberLabels(text) {
    if (!window.PortalQueries || !window.PortalQueries.numbers) return [];
    return window.PortalQueries.numbers(text).labels;
  }

  // What the finder would understand in a query: its labels, deduplicated, in the order typed.
  function understand(query, compiled) {
    var labels = [], text = query;
    function add(label) { if (label && labels.indexOf(label) < 0) labels.push(label); }
    if (compiled) {
      try {
        var r = window.PortalQueries.interpret(query, compiled);
        (r && r.matches || []).forEach(function (m) { add(m.label); });
        text = r && typeof r.rest === "string" ? r.rest : query;
      } catch (error) {
        if (window.console) window.console.warn(error);
      }
    } else if (typeof text.normalize === "function") {
      text = text.normalize("NFKC");     // full-width digits, as queries.js would
    }
    numberLabels(text).forEach(add);
    return labels;
  }

  // The way on to the finder: the box when the query says what is needed, else the plain link
  // (with a query, always one of the two). Both carry the query as typed.
  function showFinderLinks(state, labels, products) {
    var href = new URL("products/?q=" + encodeURIComponent(state.q), siteRoot).href;
    var boxed = !!state.q && labels.length > 0;
    linksFor = state.q;
    intentLabels.textContent = labels.join(" · ");
    intentLink.href = href;
    intentBox.hidden = !boxed;
    productsLink.href = href;
    productsLink.firstChild.nodeValue = products > 0 ? "在产品库中查看" : "在产品库中按条件查找";
    productsLink.hidden = !state.q || boxed;
    tools.hidden = !state.q;
  }

  // ------------------------------------------------------------------ text helpers

  var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };

  // Pagefind's excerpt is HTML-escaped text (its meta values and page text are not).
  function decodeEntities(text) {
    return String(text == null ? "" : text).replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (all, name) {
      if (name.charAt(0) === "#") {
        var code = name.charAt(1).toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
      }
      var known = ENTITIES[name.toLowerCase()];
      return known === undefined ? all : known;
    });
  }

  function tidy(text) { return String(text == null ? "" : text).replace(/\s+/g, " ").trim(); }

  // Pagefind's excerpt: text with <mark>…</mark> around matches and nothing else. Split it on
  // exactly those two tags; everything else is text (shown as typed, never parsed as HTML).
  function parseMarked(excerpt) {
    var text = "", marks = [], open = -1;
    String(excerpt || "").split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") { if (open < 0) open = text.length; }
      else if (part === "</mark>") { if (open >= 0 && text.length > open) marks.push([open, text.length]); open = -1; }
      else text += decodeEntities(part);
    });
    if (open >= 0 && text.length > open) marks.push([open, text.length]);
    return { text: text, marks: marks };
  }

  // Where the literal query words occur in a text (for summaries, which Pagefind does not mark).
  function findTerms(text, query) {
    var marks = [], lower = text.toLowerCase();
    query.toLowerCase().split(/\s+/).filter(Boolean).forEach(function (term) {
      var from = 0, at;
      while ((at = lower.indexOf(term, from)) >= 0) { marks.push([at, at + term.length]); from = at + term.length; }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    marks.forEach(function (m) {
      var last = merged[merged.length - 1];
      if (last && m[0] <= last[1]) last[1] = Math.max(last[1], m[1]); else merged.push(m.slice());
    });
    return merged;
  }

  // Sentences of a page text: ends at 。！？；!? or at Pagefind's ". " between blocks.
  function sentences(text) {
    var out = [], start = 0, re = /[。！？；!?]+[”’」』）)]*|\.(?=\s|$)/g, m;
    while ((m = re.exec(text))) {
      var end = m.index + m[0].length;
      out.push({ start: start, end: end, joined: m[0] === "." });
      start = end;
      while (start < text.length && /\s/.test(text.charAt(start))) start += 1;
      re.lastIndex = start;
    }
    if (start < text.length) out.push({ start: start, end: text.length, joined: false, open: true });
    return out;
  }

  function overlaps(marks, start, end) {
    return marks.some(function (m) { return m[0] < end && m[1] > start; });
  }

  var PHRASE_END = /[，、：；,:;）)”’」\s]/g;     // a cut after one of these never splits a word

  // The last phrase boundary in text[from, to) (index just after it), or -1.
  function lastBoundary(text, from, to) {
    var chunk = text.slice(from, to), found = -1, m;
    PHRASE_END.lastIndex = 0;
    while ((m = PHRASE_END.exec(chunk))) found = from + m.index + m[0].length;
    return found > from ? found : -1;
  }

  // The first phrase boundary in text[from, to) (index just after it), or -1.
  function nextBoundary(text, from, to) {
    PHRASE_END.lastIndex = 0;
    var m = PHRASE_END.exec(text.slice(from, to));
    return m ? from + m.index + m[0].length : -1;
  }

  // Pagefind's excerpt is a window of words that starts and ends anywhere (mid-word in Chinese),
  // and it runs headings into the text ("年化利率. 3.5%～4."). Instead: find that window in the
  // page text, start at the sentence that holds the first match (not the title, preferably not a
  // heading), add whole sentences up to EXCERPT_MAX characters, and cut a sentence only at a
  // phrase boundary, shown with "…".
  function cleanExcerpt(data, title) {
    var ex = parseMarked(data.excerpt);
    var content = String(data.content || "");
    var at = ex.text ? content.indexOf(ex.text) : -1;
    var whole = at >= 0;                       // false: only Pagefind's window is known
    var text = whole ? content : ex.text;
    var shift = whole ? at : 0;
    var marks = ex.marks.map(function (m) { return [m[0] + shift, m[1] + shift]; });
    var all = sentences(text).filter(function (s) {
      var body = text.slice(s.start, s.end).replace(/[.\s]+$/, "");
      s.heading = s.joined && body.length <= 12;    // headings, labels, table cells
      s.hit = overlaps(marks, s.start, s.end);
      return body && body !== title;
    });
    // Without the page text, the window's first and last sentences are cut off by Pagefind.
    if (!whole && all.length) {
      all[0].cutBefore = shift === 0 && all[0].start === 0;
      all[all.length - 1].cutAfter = all[all.length - 1].open;
    }
    function find(test) { for (var k = 0; k < all.length; k += 1) if (test(all[k])) return k; return -1; }
    var first = find(function (s) { return s.hit && !s.heading; });
    if (first < 0) first = find(function (s) { return s.hit; });
    if (first < 0) first = find(function (s) { return !s.heading && s.end > shift; });
    if (first < 0) return null;

    var segments = [], used = 0, cut = false;
    for (var i = first; i < all.length && !cut; i += 1) {
      var s = all[i], from = s.start, to = s.end;
      if (i > first && s.heading && !s.hit) continue;
      var mark = marks.filter(function (m) { return m[0] >= from && m[0] < to; })[0];
      if (i === first && mark && (s.cutBefore || mark[1] - from > EXCERPT_MAX * 0.6)) {
        // Start at the phrase that holds the match (the sentence began earlier or is long).
        var b = lastBoundary(text, Math.max(from, mark[0] - 30), mark[0]);
        from = b > 0 ? b : mark[0];
        if (from > s.start) segments.push({ text: "…", mark: false });
      }
      var room = EXCERPT_MAX - used;
      if (i > first && (to - from > room || (s.cutAfter && !s.hit))) {
        if (room < 24 || !s.hit && s.cutAfter) break;   // the excerpt ends with a whole sentence
      }
      if (to - from > room || s.cutAfter) {
        var limit = Math.min(to, from + room);
        var lastMark = marks.filter(function (m) { return m[0] >= from && m[1] <= limit; }).pop();
        var stop = lastBoundary(text, lastMark ? lastMark[1] : from, limit);
        if (stop < 0 && lastMark) stop = nextBoundary(text, lastMark[1], to);
        if (stop < 0 || stop > limit + 20) stop = lastMark ? lastMark[1] : -1;
        if (stop <= from) { if (i > first) { cut = true; break; } stop = limit; }
        if (stop < to) { to = stop; cut = true; }
      }
      var piece = markSegments(text, marks, from, to);
      var lastPiece = piece[piece.length - 1];
      // Pagefind joins blocks with ". ": show it as the sentence end it stands for.
      if (s.joined && to === s.end && lastPiece && !lastPiece.mark) lastPiece.text = lastPiece.text.replace(/\.\s*$/, "。");
      segments = segments.concat(piece);
      used += to - from;
    }
    if (cut) {
      var tail = segments[segments.length - 1];
      if (tail && !tail.mark) tail.text = tail.text.replace(/[，、：；,:;\s]+$/, "");
      segments.push({ text: "…", mark: false });
    }
    return segments.length ? segments : null;
  }

  function markSegments(text, marks, start, end) {
    var out = [], at = start;
    marks.forEach(function (m) {
      var a = Math.max(m[0], start), b = Math.min(m[1], end);
      if (b <= a || a < at) return;
      if (a > at) out.push({ text: text.slice(at, a), mark: false });
      out.push({ text: text.slice(a, b), mark: true });
      at = b;
    });
    if (at < end) out.push({ text: text.slice(at, end), mark: false });
    // Blocks are joined with spaces; after Chinese punctuation a space is only a gap.
    return out.map(function (seg) {
      return { text: seg.text.replace(/\s+/g, " ").replace(/([\u3000-\u303f\uff00-\uffef])\s/g, "$1"), mark: seg.mark };
    });
  }

  function fill(el, segments) {
    segments.forEach(function (seg) {
      if (seg.mark) {
        var mark = document.createElement("mark");
        mark.textContent = seg.text;
        el.appendChild(mark);
      } else {
        el.appendChild(document.createTextNode(seg.text));
      }
    });
  }

  // ------------------------------------------------------------------ rendering

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function kindOf(data) {
    var kinds = data.filters && data.filters["类别"];
    if (kinds && kinds.length) return kinds[0];
    var path = new URL(data.url, window.location.href).pathname.slice(siteRoot.pathname.length);
    return KIND_BY_SECTION[path.split("/")[0]] || "页面";
  }

  function renderResult(data, query) {
    var meta = data.meta || {};
    var title = tidy(meta.title) || tidy(data.url);
    var kind = kindOf(data);
    var item = el("li", "portal-ss__item");
    var heading = el("h3", "portal-ss__item-title");
    heading.appendChild(el("span", "portal-ss__kind portal-ss__kind--" + (KIND_CLASS[kind] || "page"), kind));
    heading.appendChild(document.createTextNode(" "));
    var link = el("a", "portal-ss__link", title);
    var url = new URL(data.url, window.location.href);
    link.href = url.origin === window.location.origin ? url.href : siteRoot.href;   // only pages of this site
    heading.appendChild(link);
    if (meta.status) heading.appendChild(el("span", "portal-ss__status-tag", tidy(meta.status)));
    item.appendChild(heading);

    if (kind === "产品" && (meta.rate || meta.bank)) {
      var facts = el("p", "portal-ss__facts");
      if (meta.rate) {
        facts.appendChild(el("span", "portal-ss__rate-label", "年化利率"));
        facts.appendChild(document.createTextNode(" "));
        facts.appendChild(el("strong", "portal-ss__rate", tidy(meta.rate)));
      }
      if (meta.bank) {
        if (meta.rate) facts.appendChild(el("span", "portal-ss__sep", " · "));
        facts.appendChild(el("span", "portal-ss__bank", tidy(meta.bank)));
      }
      item.appendChild(facts);
    }

    var excerpt = el("p", "portal-ss__excerpt");
    var summary = tidy(meta.summary);
    var segments = summary ? markSegments(summary, findTerms(summary, query), 0, summary.length)
                           : cleanExcerpt(data, title);
    if (segments && segments.length) {
      fill(excerpt, segments);
      item.appendChild(excerpt);
    }
    return item;
  }

  function setStatus(parts) {
    status.textContent = "";
    parts.forEach(function (part) {
      if (typeof part === "string") status.appendChild(document.createTextNode(part));
      else status.appendChild(part);
    });
  }

  function siteLink(path, text) {
    var a = el("a", null, text);
    a.href = new URL(path, siteRoot).href;
    return a;
  }

  // The options of a group are the values the query's results have (plus any selected), in an
  // order that does not change while filters are switched, so nothing moves under the pointer
  // or the keyboard focus; only counts and checked states are updated in place.
  function renderOptions(counts, totals, state) {
    GROUPS.forEach(function (g, index) {
      var fieldset = panel.querySelector('[data-group="' + g.key + '"]');
      var ul = fieldset.querySelector(".portal-ss__options");
      var total = totals[g.filter] || {};
      var values = Object.keys(total).filter(function (v) { return total[v] > 0; });
      state[g.key].forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); });
      values.sort(function (a, b) {
        if (g.order) {
          var ia = g.order.indexOf(a), ib = g.order.indexOf(b);
          return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b, "zh");
        }
        return (total[b] || 0) - (total[a] || 0) || a.localeCompare(b, "zh");
      });
      var boxes = ul.querySelectorAll("input");
      var same = boxes.length === values.length && values.every(function (v, i) { return boxes[i].value === v; });
      if (!same) {
        var focused = document.activeElement && ul.contains(document.activeElement) ? document.activeElement.value : null;
        ul.textContent = "";
        values.forEach(function (value) {
          var li = el("li", "portal-ss__option");
          var label = el("label");
          var box = el("input");
          box.type = "checkbox";
          box.name = g.key;
          box.value = value;
          label.appendChild(box);
          label.appendChild(el("span", "portal-ss__option-name", value));
          label.appendChild(el("span", "portal-ss__count"));
          li.appendChild(label);
          ul.appendChild(li);
          if (focused === value) box.focus();
        });
      }
      Array.prototype.forEach.call(ul.querySelectorAll("input"), function (box) {
        box.checked = state[g.key].indexOf(box.value) >= 0;
        box.parentNode.querySelector(".portal-ss__count").textContent = "（" + ((counts[index] || {})[box.value] || 0) + "）";
      });
      fieldset.hidden = values.length === 0;
    });
    var active = state.kind.length + state.bank.length;
    activeCount.textContent = "(" + active + ")";
    clearButton.hidden = active === 0;
  }

  function showMore(focusFirst) {
    var gen = generation;
    var slice = results.slice(shown, shown + PAGE_SIZE);
    more.disabled = true;
    return Promise.all(slice.map(function (r) { return r.data(); })).then(function (pages) {
      if (gen !== generation) return;
      var firstNew = null;
      pages.forEach(function (data) {
        var item = renderResult(data, lastQuery);
        if (!firstNew) firstNew = item.querySelector("a");
        list.appendChild(item);
      });
      shown += slice.length;
      more.hidden = shown >= results.length;
      more.disabled = false;
      if (focusFirst && firstNew) firstNew.focus();
    });
  }

  function resetResults() {
    generation += 1;
    results = [];
    shown = 0;
    list.textContent = "";
    more.hidden = true;
  }

  function run() {
    var state = current;
    input.value = state.q;
    resetResults();
    var gen = generation;
    if (!state.q) {
      root.setAttribute("data-state", "idle");
      document.title = baseTitle;
      showFinderLinks(state, [], 0);
      body.hidden = true;
      setStatus(["输入关键词后按“搜索”，例如“信用贷款”“担保费”“个体工商户”。"]);
      return Promise.resolve();
    }
    root.setAttribute("data-state", "loading");
    if (linksFor !== state.q) {            // a new query: no box or link for the old one meanwhile
      intentBox.hidden = true;
      productsLink.hidden = true;
    }
    list.setAttribute("aria-busy", "true");
    setStatus(["正在搜索“" + state.q + "”……"]);
    document.title = "“" + state.q + "”的搜索结果 - " + baseTitle;
    var labelsPromise = loadQueries().then(function (compiled) { return understand(state.q, compiled); });
    var searched = loadPagefind().then(function (pagefind) {
      return pagefind.search(state.q, { filters: filterSpec(state, null) }).then(function (main) {
        return facetCounts(pagefind, state, main).then(function (counts) { return [main, counts]; });
      });
    });
    return Promise.all([searched, labelsPromise]).then(function (both) {
      if (gen !== generation) return null;
      var main = both[0][0], counts = both[0][1];
      results = main.results || [];
      lastQuery = state.q;
      var filtered = state.kind.length + state.bank.length > 0;
      var anyResult = (main.unfilteredResultCount || results.length) > 0;
      if (results.length) {
        setStatus(["找到 " + results.length + " 条与“" + state.q + "”相关的结果" +
                   (filtered ? "（已按所选条件筛选）" : "")]);
      } else if (filtered && anyResult) {
        setStatus(["所选条件下没有与“" + state.q + "”相关的结果。请减少筛选条件，或点“清除筛选”。"]);
      } else {
        setStatus(["没有找到与“" + state.q + "”相关的内容。请换个说法或用更短的词试试，例如“贷款”“担保”；也可以浏览",
                   siteLink("products/", "金融产品"), "或", siteLink("policies/", "政策解读"), "。"]);
      }
      var products = ((main.totalFilters || {})["类别"] || {})["产品"] || 0;
      showFinderLinks(state, both[1], products);
      toggle.hidden = !anyResult;
      body.hidden = !anyResult;
      renderOptions(counts, main.totalFilters || {}, state);
      return showMore(false);
    }).then(function () {
      if (gen !== generation) return;
      list.removeAttribute("aria-busy");
      root.setAttribute("data-state", "done");    // tests and tools wait for this
    }).catch(function (error) {
      if (gen !== generation) return;
      list.removeAttribute("aria-busy");
      root.setAttribute("data-state", "error");
      toggle.hidden = true;
      body.hidden = true;
      labelsPromise.then(function (labels) { if (gen === generation) showFinderLinks(state, labels, 0); });
      setStatus(["搜索暂时无法使用，请稍后再试；也可以浏览", siteLink("products/", "金融产品"), "或",
                 siteLink("policies/", "政策解读"), "。"]);
      if (window.console) window.console.error(error);
    });
  }

  // ------------------------------------------------------------------ events

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var state = { q: input.value.trim(), kind: current.kind.slice(), bank: current.bank.slice() };
    if (sameState(state, current)) {
      if (root.getAttribute("data-state") === "error") run();   // the same query again: retry
    } else {
      navigate(state);
    }
  });

  panel.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.type !== "checkbox") return;
    var state = { q: current.q, kind: current.kind.slice(), bank: current.bank.slice() };
    var values = state[box.name];
    var at = values.indexOf(box.value);
    if (box.checked && at < 0) values.push(box.value);
    if (!box.checked && at >= 0) values.splice(at, 1);
    navigate(state);
  });

  clearButton.addEventListener("click", function () {
    navigate({ q: current.q, kind: [], bank: [] });
    input.focus();
  });

  function setPanel(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    panel.classList.toggle("portal-ss__filters--open", open);
  }

  toggle.addEventListener("click", function () { setPanel(toggle.getAttribute("aria-expanded") !== "true"); });

  // Phones: close the filters and go back to the button, right above the results.
  document.getElementById("portal-ss-done").addEventListener("click", function () {
    setPanel(false);
    toggle.focus();
    toggle.scrollIntoView({ block: "nearest" });
  });

  more.addEventListener("click", function () { showMore(true); });

  window.addEventListener("popstate", function () {
    current = readState();
    run();
  });

  run();
})();
