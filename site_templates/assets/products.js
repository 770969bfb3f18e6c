/* Product finder (products/); the compare page has its own script (assets/compare.js).

   The finder is search, facets and sort over one compact index (assets/data/finder.json,
   written by generator/site/finder.py): OR inside a facet group, AND across groups, a count beside
   every value, the whole state in the URL (history.pushState, so Back steps back). A text query
   goes to Pagefind (its result ids map to products through assets/data/finder-search.json);
   plain-language phrases (content/queries.yml, assets/queries.js) become facet values first.
   Progressive enhancement: without JavaScript the static, paginated card list is shown.
   Private state: a state in the fragment (products/#customer=…, as 帮我选 at guide/ hands its
   answers over) is read from there and kept there for the visit, because a fragment is never
   sent to the server, while a query string is logged by it and sent on as the Referer.
   A federated (city or province) finder also has a 地区 facet and groups: the same bank product
   offered in several districts is one result ("N 个区县可办理"), shown if any of its districts'
   products meets every condition, counted once, drawn from the first such product in the current
   order. Its index comes in parts (generator/site/finder.py): the first view is precomputed, the
   filter and sort columns load when a condition or a sort first needs them, and each card chunk
   carries what its cards show.
   Data is only ever written with textContent, never as HTML. */
(function () {
  "use strict";

  // The state and its address (shared with 帮我选) and formatNumber are in assets/finder-state.js, el
  // (shared with the compare page) in assets/compare-store.js: window.Portal, from scripts that
  // run before this deferred one.
  var Portal = window.Portal, finderState = Portal.finder;
  var el = Portal.el, formatNumber = Portal.formatNumber, positiveNumber = finderState.positive;
  var LIST_KEYS = finderState.LIST_KEYS, FLAG_KEYS = finderState.FLAG_KEYS, NUMBER_KEYS = finderState.NUMBER_KEYS;
  var MASK_KEYS = ["customer", "guarantee", "program"];      // list fields stored as bit masks
  // Order of the groups in chips, counts and the empty state's suggestions.
  var GROUPS = ["q", "region", "amount", "term", "customer", "guarantee", "type", "program", "bank", "online", "renewal"];
  var SPACED_UNITS = ["万元", "个月", "天"];
  var SORTS = ["", "rate", "rate-max", "amount", "days", "updated"];
  var SORT_PART = ["rate", "rate-max", "days", "updated"];    // sorts that need the sort columns
  var INLINE_REGIONS = 8;    // a group lists up to this many districts on its card, more in a <details>
  // Order of the reasons on a card ("符合您的条件：…"): who may apply and the figures first.
  var REASONS = ["region", "customer", "amount", "term", "guarantee", "online", "program", "type", "bank", "renewal", "q"];
  // The guarantee methods that need collateral (the vocabulary's own words; 帮我选's "不能或不想
  // 提供抵押或质押" and queries.yml's 不要抵押 select every other method).
  var COLLATERAL = ["抵押", "质押"];

  // ---------- small helpers ----------

  // The compare selection lives in assets/compare-store.js (the finder and the compare page share it).
  var store = window.PortalCompareStore;
  var MAX_COMPARE = store.MAX;
  var loadSelection = store.load, saveSelection = store.save;

  // The same wording rule as generator/site/fields.py (with_unit, range_text; format_number is
  // Portal.formatNumber).
  function withUnit(text, unit) {
    if (!unit) return text;
    return SPACED_UNITS.indexOf(unit) !== -1 ? text + " " + unit : text + unit;
  }
  function rangeText(low, high, unit, prefix) {
    var h = formatNumber(high);
    if (!low) return prefix ? prefix + " " + withUnit(h, unit) : withUnit(h, unit);
    var l = formatNumber(low);
    if (l === h) return withUnit(h, unit);
    return SPACED_UNITS.indexOf(unit) !== -1 ? l + "～" + h + " " + unit : l + unit + "～" + h + unit;
  }

  // "30万", "1.5亿" -> amount; "12个月", "3年" -> term (assets/queries.js, shared with the site search).
  function extractNumbers(text) {
    if (window.PortalQueries && window.PortalQueries.numbers) return window.PortalQueries.numbers(text);
    return { amount: null, term: null, rest: text || "", labels: [] };
  }

  // Drop filler words: whole words, and (for words of two or more characters, and the
  // particles 的/了/吗/呢) at either end of a word: "想贷" -> "", "开厂的" -> "开厂".
  var PARTICLES = ["的", "了", "吗", "呢", "啊"];
  function dropFiller(text, ignore) {
    return (text || "").split(/\s+/).map(function (word) {
      var changed = true;
      while (word && changed) {
        changed = false;
        for (var i = 0; i < ignore.length && !changed; i += 1) {
          var f = ignore[i];
          if (word === f) { word = ""; changed = true; break; }
          var trims = f.length > 1 || PARTICLES.indexOf(f) !== -1;
          if (!trims || word.length <= f.length) continue;
          if (f.length > 1 && word.indexOf(f) === 0) { word = word.slice(f.length); changed = true; }
          else if (word.slice(-f.length) === f) { word = word.slice(0, -f.length); changed = true; }
        }
      }
      return word;
    }).filter(Boolean).join(" ");
  }

  // The finder counts whole months: a term of 1.5 in a hand-edited link or the form is 2.
  function wholeMonths(term) { return term === null ? null : Math.round(term); }

  // ---------- state <-> URL ----------

  var emptyState = finderState.empty, stateParams = finderState.params;

  function stateFromUrl(search) {
    var state = finderState.parse(search);
    state.term = wholeMonths(state.term);
    return state;
  }

  function stateToQuery(state) {
    var qs = stateParams(state);
    return qs ? "?" + qs : window.location.pathname;
  }

  // The fragment when it holds a finder state ("customer=…&amount=…"), else null: an in-page
  // anchor such as #finder-results-heading is not a state.
  function fragmentState() {
    var text = window.location.hash.slice(1);
    if (text.indexOf("=") === -1) return null;
    var params = new URLSearchParams(text);
    return finderState.KEYS.some(function (k) { return params.has(k); }) ? text : null;
  }

  // (A state in the fragment hides the server's first cards before the first paint too: elder.js,
  // loaded in <head>, adds portal-has-query for it.)

  // ---------- the finder ----------

  function Finder(root, index) {
    this.root = root;
    this.index = index;
    this.n = index.count;
    // A federated index comes in parts (index.parts_url); a district's has every column here.
    this.split = !!index.parts_url;
    this.cols = index.products || {};
    this.parts = {};            // part name -> Promise
    this.lead = null;           // product index -> its group's first product (built with the columns)
    this.groupList = null;      // every group's products, in index order
    this.base = root.getAttribute("data-root");
    this.state = emptyState();
    this.shown = index.page_size;
    this.search = { text: "", ranks: null, failed: false };   // ranks: product index -> rank
    this.lastChanged = null;
    this.interpreted = [];
    this.renders = 0;
    this.renderToken = 0;
    this.cards = {};            // product index -> {id, name}: from the page's own cards or a chunk
    this.chunks = {};           // chunk number -> Promise
    var vocab = index.vocab;
    this.bankIndex = {};
    index.banks.forEach(function (b, i) { this.bankIndex[b.id] = i; }, this);
    this.valueBit = {};
    MASK_KEYS.forEach(function (k) {
      var bits = {};
      vocab[k].forEach(function (v, i) { bits[v] = 1 << i; });
      this.valueBit[k] = bits;
    }, this);
    this.typeIndex = {};
    vocab.type.forEach(function (v, i) { this.typeIndex[v] = i; }, this);
    this.regions = index.regions || [];
    this.regionIndex = {};
    this.regions.forEach(function (r, i) { this.regionIndex[r.id] = i; }, this);
    if (!this.split) this.buildGroups([]);
    this.renewalType = this.typeIndex[index.formats.renewal_type];
    this.privateState = false;
  }

  // Groups (a district's finder: every product alone): lead[i] is the first product of i's group.
  Finder.prototype.buildGroups = function (groups) {
    var lead = new Int32Array(this.n), list = [], members = {};
    for (var i = 0; i < this.n; i += 1) lead[i] = i;
    groups.forEach(function (g) {
      g.forEach(function (j) { lead[j] = g[0]; });
      members[g[0]] = g;
    });
    for (var k = 0; k < this.n; k += 1) {
      if (lead[k] === k) list.push(members[k] || [k]);
    }
    this.lead = lead;
    this.groupList = list;
  };

  // Products as the user counts them: a group is one.
  Finder.prototype.total = function () {
    return this.groupList ? this.groupList.length : this.index.first.total;
  };

  // A federated finder's first view (no condition, the first page): precomputed, no columns.
  Finder.prototype.firstView = function () {
    return this.split && !this.activeGroups().length && this.shown <= this.index.page_size &&
      this.index.first.order[this.state.sort] !== undefined;
  };

  // The columns this state needs, loaded once each (a district's index has them all).
  Finder.prototype.loadParts = function () {
    if (!this.split || this.firstView()) return Promise.resolve();
    var wanted = ["filter"];
    if (SORT_PART.indexOf(this.state.sort) !== -1) wanted.push("sort");
    return Promise.all(wanted.map(this.loadPart, this));
  };

  Finder.prototype.loadPart = function (part) {
    var self = this;
    if (!this.parts[part]) {
      this.parts[part] = fetch(this.base + this.index.parts_url.replace("{part}", part))
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          Object.keys(data).forEach(function (k) { if (k !== "groups" && k !== "count") self.cols[k] = data[k]; });
          if (part === "filter") self.buildGroups(data.groups || []);
        })
        .catch(function (e) { delete self.parts[part]; throw e; });
    }
    return this.parts[part];
  };

  Finder.prototype.label = function (key) {
    return key === "q" ? "关键词" : (this.index.labels[key] || key);
  };

  Finder.prototype.groupActive = function (key, state) {
    state = state || this.state;
    if (key === "q") return !!this.search.text && this.search.ranks !== null;
    if (LIST_KEYS.indexOf(key) !== -1) return state[key].length > 0;
    if (NUMBER_KEYS.indexOf(key) !== -1) return state[key] !== null;
    return !!state[key];
  };

  // One bit per group that product i fails (0 = the product is a result).
  Finder.prototype.failMask = function (i, tests) {
    var mask = 0;
    for (var g = 0; g < tests.length; g += 1) {
      if (!tests[g].test(i)) mask |= tests[g].bit;
    }
    return mask;
  };

  Finder.prototype.tests = function () {
    var self = this, c = this.cols, s = this.state, tests = [];
    GROUPS.forEach(function (key, g) {
      if (!self.groupActive(key)) return;
      var test;
      if (key === "q") {
        var ranks = self.search.ranks;
        test = function (i) { return ranks[i] !== undefined; };
      } else if (key === "amount") {
        test = function (i) { return (c.amin[i] || 0) <= s.amount && s.amount <= c.amax[i]; };
      } else if (key === "term") {
        test = function (i) { return (c.tmin[i] || 1) <= s.term && s.term <= c.tmax[i]; };
      } else if (MASK_KEYS.indexOf(key) !== -1) {
        var mask = 0;
        s[key].forEach(function (v) { mask |= self.valueBit[key][v] || 0; });
        test = function (i) { return (c[key][i] & mask) !== 0; };
      } else if (key === "type") {
        var types = s.type.map(function (v) { return self.typeIndex[v]; });
        test = function (i) { return types.indexOf(c.type[i]) !== -1; };
      } else if (key === "bank") {
        var banks = s.bank.map(function (v) { return self.bankIndex[v]; });
        test = function (i) { return banks.indexOf(c.bank[i]) !== -1; };
      } else if (key === "region") {
        var regions = s.region.map(function (v) { return self.regionIndex[v]; });
        test = function (i) { return regions.indexOf(c.region[i]) !== -1; };
      } else {
        test = function (i) { return c[key][i] === 1; };
      }
      tests.push({ key: key, bit: 1 << g, test: test });
    });
    return tests;
  };

  // Results, counts per facet value (with every *other* group applied) and, per active group,
  // how many results removing just that group would bring back. A product group counts once: it
  // is a result if any of its products passes every test, and it counts for a value if any of its
  // products has the value and passes every other test. fails: every product's mask and its group.
  Finder.prototype.compute = function () {
    if (this.firstView()) {
      var first = this.index.first;
      return { results: first.order[this.state.sort], total: first.total, counts: first.counts, relax: {},
               maxAmount: null, fails: { masks: [], group: [] } };
    }
    var c = this.cols, tests = this.tests(), vocab = this.index.vocab, banks = this.index.banks;
    var regions = this.regions, hasRegion = !!c.region;
    var passed = [], counts = {}, relax = {}, maxAmount = null, fails = [], failGroup = [];
    LIST_KEYS.concat(FLAG_KEYS).forEach(function (k) { counts[k] = {}; });
    GROUPS.forEach(function (key) { relax[key] = 0; });
    var bitOf = {};
    GROUPS.forEach(function (key, g) { bitOf[key] = 1 << g; });
    // A value counts a group once: stamp[key][value number] is the last group counted for it.
    var stamp = {};
    MASK_KEYS.forEach(function (k) { stamp[k] = new Int32Array(vocab[k].length).fill(-1); });
    stamp.type = new Int32Array(vocab.type.length).fill(-1);
    stamp.bank = new Int32Array(banks.length).fill(-1);
    stamp.region = new Int32Array(regions.length).fill(-1);
    stamp.online = new Int32Array(1).fill(-1);
    stamp.renewal = new Int32Array(1).fill(-1);
    var groups = this.groupList;
    for (var n = 0; n < groups.length; n += 1) {
      var members = groups[n], any = false, back = 0;
      for (var m = 0; m < members.length; m += 1) {
        var i = members[m], fail = this.failMask(i, tests);
        if ((fail & ~bitOf.amount) === 0 && (maxAmount === null || c.amax[i] > maxAmount)) maxAmount = c.amax[i];
        fails.push(fail);
        failGroup.push(n);
        if (fail === 0) { passed.push(i); any = true; }
        else if ((fail & (fail - 1)) === 0) back |= fail;      // fails one group only
        for (var k = 0; k < MASK_KEYS.length; k += 1) {
          var key = MASK_KEYS[k];
          if ((fail & ~bitOf[key]) !== 0) continue;
          for (var b = 0, bits = c[key][i]; bits; b += 1, bits >>>= 1) {
            if ((bits & 1) && stamp[key][b] !== n) {
              stamp[key][b] = n;
              counts[key][vocab[key][b]] = (counts[key][vocab[key][b]] || 0) + 1;
            }
          }
        }
        if ((fail & ~bitOf.type) === 0 && stamp.type[c.type[i]] !== n) {
          stamp.type[c.type[i]] = n;
          counts.type[vocab.type[c.type[i]]] = (counts.type[vocab.type[c.type[i]]] || 0) + 1;
        }
        if ((fail & ~bitOf.bank) === 0 && stamp.bank[c.bank[i]] !== n) {
          stamp.bank[c.bank[i]] = n;
          counts.bank[banks[c.bank[i]].id] = (counts.bank[banks[c.bank[i]].id] || 0) + 1;
        }
        if (hasRegion && (fail & ~bitOf.region) === 0 && c.region[i] >= 0 && stamp.region[c.region[i]] !== n) {
          stamp.region[c.region[i]] = n;
          counts.region[regions[c.region[i]].id] = (counts.region[regions[c.region[i]].id] || 0) + 1;
        }
        for (var f = 0; f < FLAG_KEYS.length; f += 1) {
          var flag = FLAG_KEYS[f];
          if ((fail & ~bitOf[flag]) === 0 && c[flag][i] === 1 && stamp[flag][0] !== n) {
            stamp[flag][0] = n;
            counts[flag][flag] = (counts[flag][flag] || 0) + 1;
          }
        }
      }
      if (!any && back) {
        for (var g = 0; g < GROUPS.length; g += 1) { if (back & (1 << g)) relax[GROUPS[g]] += 1; }
      }
    }
    // Sort every passing product, then keep each group's first: the card shows the product that
    // ranks best (its district's figures), and the group is ranked by it.
    var lead = this.lead, seen = new Uint8Array(this.n), results = [];
    this.sort(passed).forEach(function (i) {
      if (!seen[lead[i]]) { seen[lead[i]] = 1; results.push(i); }
    });
    return { results: results, total: results.length, counts: counts, relax: relax, maxAmount: maxAmount,
             fails: { masks: fails, group: failGroup } };
  };

  Finder.prototype.renewalLast = function () {
    // Rank 续贷-only products after new loans by rate, unless the user asked for 续贷.
    return this.state.type.indexOf(this.index.formats.renewal_type) === -1;
  };

  Finder.prototype.sort = function (list) {
    var c = this.cols, sort = this.state.sort, ranks = this.search.ranks, self = this;
    var key;
    if (!sort) {
      if (this.groupActive("q")) key = function (i) { return [ranks[i]]; };
      else if (this.groupList.length === this.n) return list;   // no groups: already in order
      else key = function () { return []; };    // the catalogue order
    } else if (sort === "rate" || sort === "rate-max") {
      var last = this.renewalLast();
      key = function (i) {
        var renewal = last && c.type[i] === self.renewalType ? 1 : 0;
        return sort === "rate" ? [renewal, c.rmin[i], c.rmax[i]] : [renewal, c.rmax[i], c.rmin[i]];
      };
    } else if (sort === "amount") key = function (i) { return [-c.amax[i]]; };
    else if (sort === "days") key = function (i) { return [c.days[i]]; };
    else if (sort === "updated") key = function (i) { return [-c.updated[i]]; };
    else return list;
    var keyed = list.map(function (i) { return { i: i, k: key(i) }; });
    keyed.sort(function (a, b) {
      for (var j = 0; j < a.k.length; j += 1) {
        if (a.k[j] !== b.k[j]) return a.k[j] - b.k[j];
      }
      return a.i - b.i;   // stable: the catalogue order breaks ties
    });
    return keyed.map(function (x) { return x.i; });
  };

  // ---------- text search (Pagefind) ----------

  Finder.prototype.loadPagefind = function () { return loadPagefind(this.root); };

  // Module-level and cached: a page opened with ?q= starts loading Pagefind, its id map and the
  // query rules at once, alongside the finder's index, instead of one after the other.
  var pagefindPromise = null, queriesPromise = null;

  function loadPagefind(root) {
    if (pagefindPromise) return pagefindPromise;
    var bundle = root.getAttribute("data-pagefind");
    var mapUrl = root.getAttribute("data-search-map");
    // A large site's index is in parts (generator/site/search.py; listed in the bundle's entry file
    // under "portal_parts", as assets/search.js reads them): merged, one search covers every product.
    var parts = fetch(bundle + "pagefind-entry.json")
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (entry) {
        var list = entry && entry.portal_parts;
        return Array.isArray(list) ? list.filter(function (x) { return /^part-\d+\/$/.test(x); }) : [];
      }, function () { return []; });
    var imported = Promise.all([import(bundle + "pagefind.js"), parts]).then(function (both) {
      var pf = both[0], options = { basePath: bundle, noWorker: true };
      return Promise.resolve(pf.options ? pf.options(options) : null)
        .then(function () { return pf.init ? pf.init() : null; })
        .then(function () {
          return Promise.all(both[1].map(function (part) { return pf.mergeIndex(bundle + part); }));
        })
        .then(function () { return pf; });
    });
    var map = fetch(mapUrl).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    pagefindPromise = Promise.all([imported, map]).then(function (both) {
      var byId = {}, prefix = both[1].prefix;
      both[1].ids.split(",").forEach(function (id, i) { if (id) byId[prefix + id] = i; });
      return { pf: both[0], byId: byId };
    });
    pagefindPromise.catch(function () { pagefindPromise = null; });
    return pagefindPromise;
  }

  Finder.prototype.fallbackSearch = function (text) {
    // Without the search index: match product and bank names literally (loads every name).
    var self = this, all = [];
    for (var i = 0; i < this.n; i += 1) all.push(i);
    return this.ensureCards(all).then(function () {
      var ranks = {}, banks = self.index.banks, rank = 0;
      for (var j = 0; j < self.n; j += 1) {
        if (self.cards[j].name.indexOf(text) !== -1 || banks[self.display(j).bank].name.indexOf(text) !== -1) ranks[j] = rank++;
      }
      return ranks;
    });
  };

  // Names and ids of the products to show: the page's own cards are known; others come in
  // chunks (assets/data/finder-cards-<n>.json), fetched once each.
  Finder.prototype.harvestStatic = function () {
    if (this.split) return;     // a federated card is drawn from its chunk's figures
    var self = this, first = parseInt(this.root.getAttribute("data-first-index") || "0", 10);
    Array.prototype.forEach.call(this.list.children, function (li, k) {
      var link = li.querySelector("h3 a");
      if (link) self.cards[first + k] = { id: li.getAttribute("data-product-id"), name: link.textContent };
    });
  };

  Finder.prototype.ensureCards = function (indices) {
    var self = this, size = this.index.cards_chunk, wanted = {};
    indices.forEach(function (i) { if (!self.cards[i]) wanted[Math.floor(i / size)] = true; });
    return Promise.all(Object.keys(wanted).map(function (key) {
      var n = Number(key);
      if (!self.chunks[n]) {
        self.chunks[n] = fetch(self.base + self.index.cards_url.replace("{n}", String(n)))
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
          .then(function (chunk) {
            chunk.id.forEach(function (id, k) {
              var card = { id: id, name: chunk.name[k] };
              // A federated chunk: the card's own figures, its group's first product and districts.
              Object.keys(chunk).forEach(function (key) { card[key] = chunk[key][k]; });
              self.cards[n * size + k] = card;
            });
          })
          .catch(function (e) { delete self.chunks[n]; throw e; });
      }
      return self.chunks[n];
    }));
  };

  Finder.prototype.runSearch = function (text) {
    var self = this;
    if (!text) {
      this.search = { text: "", ranks: null, failed: false };
      return Promise.resolve();
    }
    if (this.search.text === text && this.search.ranks !== null) return Promise.resolve();
    return this.loadPagefind().then(function (loaded) {
      return loaded.pf.search(text).then(function (response) {
        var ranks = {}, rank = 0;
        (response && response.results ? response.results : []).forEach(function (r) {
          var i = loaded.byId[r.id];
          if (i !== undefined && ranks[i] === undefined) ranks[i] = rank++;
        });
        self.search = { text: text, ranks: ranks, failed: false };
      });
    }).catch(function () {
      return self.fallbackSearch(text).then(function (ranks) {
        self.search = { text: text, ranks: ranks, failed: true };
      });
    });
  };

  // ---------- plain-language queries (content/queries.yml) ----------

  // queries.js and the compiled rules load only when someone types a query (first-load bytes).
  Finder.prototype.loadQueries = function () { return loadQueries(this.root); };

  function loadQueries(root) {
    if (queriesPromise) return queriesPromise;
    var base = root.getAttribute("data-root");
    var script = new Promise(function (resolve, reject) {
      if (window.PortalQueries) { resolve(); return; }
      var tag = document.createElement("script");
      tag.src = base + "assets/queries.js";
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
    var rules = fetch(root.getAttribute("data-queries")).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    queriesPromise = Promise.all([script, rules]).then(function (both) { return both[1]; })
      .catch(function () { return null; });   // not understood, still searched as text
    return queriesPromise;
  }

  // A hand-edited or outdated link (a bank that left, a misspelt value, an unknown sort) keeps
  // only what this catalogue knows, instead of showing nothing.
  Finder.prototype.known = function (state) {
    var self = this, vocab = this.index.vocab;
    MASK_KEYS.forEach(function (k) { state[k] = state[k].filter(function (v) { return v in self.valueBit[k]; }); });
    state.type = state.type.filter(function (v) { return vocab.type.indexOf(v) !== -1; });
    state.bank = state.bank.map(this.bankValue, this)
      .filter(function (v, k, all) { return v in self.bankIndex && all.indexOf(v) === k; });
    state.region = state.region.filter(function (v) { return v in self.regionIndex; });
    if (SORTS.indexOf(state.sort) === -1) state.sort = "";
    return state;
  };

  // A federated finder's 银行 values are bank groups; a link or a rule (content/queries.yml) may
  // name a district's bank by its key ("511702-icbc"): that bank's group.
  Finder.prototype.bankValue = function (value) {
    var keys = this.index.bank_keys, own = /^\d{6}-(.+)$/.exec(value);
    if (!keys || value in this.bankIndex || !own || keys[own[1]] === undefined) return value;
    return this.index.banks[keys[own[1]]].id;
  };

  Finder.prototype.interpret = function (state) {
    var self = this;
    this.interpreted = [];
    state = this.known(state);
    if (!state.q) return Promise.resolve(state);
    return this.loadQueries().then(function (compiled) { return self.applyQueries(state, compiled); });
  };

  // What a typed query adds: conditions from content/queries.yml, an amount ("30万") or a
  // term ("12个月", "3年") — and what is left to search, without filler words (我是, 想贷 …).
  // Returns the new state and records which conditions came from the text (this.fromQuery), so
  // that the next typed query replaces them instead of piling up.
  Finder.prototype.applyQueries = function (state, compiled) {
    var self = this, next = JSON.parse(JSON.stringify(state)), added = { amount: false, term: false, sort: false };
    var matches = [], text = state.q;
    if (compiled && compiled.rules && window.PortalQueries) {
      var r = window.PortalQueries.interpret(text, compiled);
      if (r) text = r.rest || "";      // normalised: full-width ＩＣＢＣ is icbc
      if (r && r.matches && r.matches.length) {
        LIST_KEYS.forEach(function (k) {
          added[k] = [];
          (r.set && r.set[k] || []).forEach(function (v) {
            if (k === "bank") v = self.bankValue(v);
            if (next[k].indexOf(v) === -1) { next[k].push(v); added[k].push(v); }
          });
        });
        FLAG_KEYS.forEach(function (k) { if (r.set && r.set[k] && !next[k]) { next[k] = true; added[k] = true; } });
        if (r.sort && !next.sort) { next.sort = r.sort; added.sort = true; }
        text = [r.rest || ""].concat(r.search || []).join(" ");
        matches = r.matches;
      }
    }
    var numbers = extractNumbers(text);
    if (numbers.amount !== null) { next.amount = numbers.amount; added.amount = true; }
    if (numbers.term !== null) { next.term = numbers.term; added.term = true; }
    matches = matches.concat(numbers.labels.map(function (label) { return { label: label }; }));
    next.q = dropFiller(numbers.rest, compiled && compiled.ignore || []);
    this.interpreted = matches;
    this.fromQuery = added;
    return next;
  };

  // Take back what the previous typed query added (the user typed something new).
  Finder.prototype.forgetQuery = function (state) {
    var added = this.fromQuery;
    this.fromQuery = null;
    if (!added) return state;
    LIST_KEYS.forEach(function (k) {
      if (added[k]) state[k] = state[k].filter(function (v) { return added[k].indexOf(v) === -1; });
    });
    FLAG_KEYS.forEach(function (k) { if (added[k]) state[k] = false; });
    if (added.amount) state.amount = null;
    if (added.term) state.term = null;
    if (added.sort) state.sort = "";
    return state;
  };

  // ---------- rendering ----------

  // What card i shows: a federated chunk carries it, a district's finder reads its columns.
  Finder.prototype.display = function (i) {
    var card = this.cards[i], c = this.cols;
    if (card && card.rmin !== undefined) return card;
    return { id: card && card.id, name: card && card.name, bank: c.bank[i], type: c.type[i], guarantee: c.guarantee[i],
             amin: c.amin[i], amax: c.amax[i], tmin: c.tmin[i], tmax: c.tmax[i], rmin: c.rmin[i], rmax: c.rmax[i],
             fee: c.fee ? c.fee[i] : null, days: c.days[i], region: c.region ? c.region[i] : undefined };
  };

  // The first product of i's group (i when alone): from the columns, or before them from i's chunk.
  Finder.prototype.leadOf = function (i) {
    if (this.lead) return this.lead[i];
    var card = this.cards[i];
    return card && card.lead !== null && card.lead !== undefined ? card.lead : i;
  };

  Finder.prototype.renderCard = function (i) {
    var f = this.index.formats, idx = this.index;
    var card = this.display(i);
    var li = el("li", null, { "class": "portal-card", "data-product-id": card.id });
    var h3 = el("h3", null, { "class": "portal-card__title" });
    h3.appendChild(el("a", card.name, { href: this.base + idx.product_url.replace("{id}", card.id) + this.calcHash }));
    if (idx.sample_data) {
      h3.appendChild(document.createTextNode(" "));
      h3.appendChild(el("span", "示例数据", { "class": "portal-sample", title: "本条为演示用的示例数据，不是真实的产品或承诺" }));
    }
    li.appendChild(h3);
    var bankLine = el("p", null, { "class": "portal-card__bank" });
    if (card.region !== undefined && card.region >= 0) {
      bankLine.appendChild(el("span", this.regions[card.region].name, { "class": "portal-card__region" }));
      bankLine.appendChild(document.createTextNode(" · "));
    }
    bankLine.appendChild(document.createTextNode(idx.banks[card.bank].name + " · " + idx.vocab.type[card.type]));
    li.appendChild(bankLine);
    var lead = this.cards[this.leadOf(i)];
    if (lead && lead.members) li.appendChild(this.regionsLine(lead.members));
    var rate = el("p", null, { "class": "portal-card__rate" });
    rate.appendChild(el("span", idx.labels.rate, { "class": "portal-rate-label" }));
    rate.appendChild(document.createTextNode(" "));
    rate.appendChild(el("strong", rangeText(card.rmin, card.rmax, f.rate.unit, f.rate.prefix), { "class": "portal-rate-value" }));
    // A guarantee fee is paid on top of the rate: ranked by rate alone, such a product would
    // pass for cheaper than a credit loan 0.1% dearer.
    if (card.fee > 0) {
      rate.appendChild(el("span", "另收担保费 " + withUnit(formatNumber(card.fee), f.rate.unit) + "/年", { "class": "portal-card__fee" }));
    }
    li.appendChild(rate);
    if (card.type === this.renewalType) li.appendChild(el("p", f.renewal_note, { "class": "portal-card__note" }));
    var facts = el("p", null, { "class": "portal-card__facts" });
    facts.appendChild(el("span", "额度 " + rangeText(card.amin, card.amax, f.amount.unit, f.amount.prefix)));
    facts.appendChild(document.createTextNode(" · "));
    facts.appendChild(el("span", "期限 " + rangeText(card.tmin, card.tmax, f.term.unit, f.term.prefix)));
    facts.appendChild(document.createTextNode(" · "));
    facts.appendChild(el("span", "审批 " + f.days.template.replace("{value}", withUnit(String(card.days), f.days.unit))));
    li.appendChild(facts);
    var tags = el("p", null, { "class": "portal-card__tags" });
    tags.appendChild(el("span", idx.labels.guarantee + "：", { "class": "portal-visually-hidden" }));
    idx.vocab.guarantee.forEach(function (v, b) {
      if (card.guarantee & (1 << b)) tags.appendChild(el("span", v, { "class": "portal-tag" }));
    });
    li.appendChild(tags);
    if (this.activeGroups().length) li.appendChild(this.whyCard(i));
    var compare = el("p", null, { "class": "portal-card__compare" });
    var label = el("label");
    var box = el("input", null, { type: "checkbox", "class": "portal-compare-toggle", value: card.id });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" 加入对比"));
    compare.appendChild(label);
    li.appendChild(compare);
    return li;
  };

  // "3 个区县可办理：通川区 达川区 宣汉县", each a link to that district's product page here;
  // a long list folds into a <details>.
  Finder.prototype.regionsLine = function (members) {
    var self = this, idx = this.index;
    var words = members.length + " 个区县可办理";
    var links = members.map(function (m) {
      return el("a", self.regions[m[0]].name, { href: self.base + idx.product_url.replace("{id}", m[1]) });
    });
    var box;
    if (members.length <= INLINE_REGIONS) {
      box = el("p", null, { "class": "portal-card__regions" });
      box.appendChild(el("strong", words));
      box.appendChild(document.createTextNode("："));
    } else {
      box = el("details", null, { "class": "portal-card__regions" });
      box.appendChild(el("summary", words));
    }
    links.forEach(function (a, k) {
      if (k) box.appendChild(document.createTextNode(" "));
      box.appendChild(a);
    });
    return box;
  };

  // Why product i is a result: one short clause per active condition, from its own data.
  Finder.prototype.reasons = function (i) {
    var self = this, c = this.cols, s = this.state, f = this.index.formats, labels = this.index.labels;
    var vocab = this.index.vocab;
    var matched = function (key) {
      return vocab[key].filter(function (v, b) { return s[key].indexOf(v) !== -1 && (c[key][i] & (1 << b)); });
    };
    return REASONS.filter(function (k) { return self.groupActive(k); }).map(function (key) {
      if (key === "customer") return matched("customer").join("、") + "可申请";
      if (key === "amount" || key === "term") {
        var a = key === "amount", lo = a ? c.amin : c.tmin, hi = a ? c.amax : c.tmax, fm = f[key];
        return "您要借的 " + withUnit(formatNumber(s[key]), fm.unit) + "在" + (a ? "额度" : "期限") + "内（" +
          rangeText(lo[i], hi[i], fm.unit, fm.prefix) + "）";
      }
      if (key === "guarantee") {
        var free = !s.guarantee.some(function (v) { return COLLATERAL.indexOf(v) !== -1; });
        return labels.guarantee + "：" + matched("guarantee").join("、") + (free ? "，无需抵押或质押" : "");
      }
      if (key === "online") return "可" + labels.online;
      if (key === "renewal") return labels.renewal;
      if (key === "program") return labels.program + "：" + matched("program").join("、");
      if (key === "type") return labels.type + "：" + vocab.type[c.type[i]];
      if (key === "bank") return labels.bank + "：" + self.index.banks[c.bank[i]].name;
      if (key === "region") return labels.region + "：" + self.regions[c.region[i]].name;
      return "与“" + self.search.text + "”相关";
    });
  };

  Finder.prototype.whyCard = function (i) {
    var why = el("p", null, { "class": "portal-card__why" });
    why.appendChild(el("span", "符合您的条件：", { "class": "portal-card__why-label" }));
    this.reasons(i).forEach(function (text, k) {
      if (k) why.appendChild(document.createTextNode(" · "));
      why.appendChild(el("span", text));
    });
    return why;
  };

  // 帮我选 (guide/): its link carries the current conditions in the fragment, so the questions
  // open answered and no request ever carries them.
  Finder.prototype.renderGuide = function () {
    var qs = stateParams(this.state), n = this.activeGroups().length;
    this.guideLinks.forEach(function (link) {
      link.setAttribute("href", link.getAttribute("data-guide") + (qs ? "#" + qs : ""));
    });
    this.root.classList.toggle("portal-finder--private", this.privateState && n > 0);
    if (!n) this.root.classList.add("portal-finder--full");
  };

  Finder.prototype.syncForm = function () {
    var s = this.state, form = this.panel;
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (box) {
      box.checked = FLAG_KEYS.indexOf(box.name) !== -1 ? s[box.name] : s[box.name].indexOf(box.value) !== -1;
    });
    this.amountInput.value = s.amount === null ? "" : formatNumber(s.amount);
    this.termInput.value = s.term === null ? "" : String(s.term);
    this.sortSelect.value = s.sort;
    this.qInput.value = this.typed ? this.typed : s.q;
  };

  Finder.prototype.groupText = function (key) {
    var s = this.state, self = this;
    if (key === "q") return this.search.text;
    if (key === "amount") return formatNumber(s.amount) + " 万元";
    if (key === "term") return s.term + " 个月";
    if (key === "online" || key === "renewal") return "是";
    if (key === "bank") {
      return s.bank.map(function (id) {
        var i = self.bankIndex[id];
        return i === undefined ? id : self.index.banks[i].name;
      }).join(" 或 ");
    }
    if (key === "region") {
      return s.region.map(function (code) { return self.regions[self.regionIndex[code]].name; }).join(" 或 ");
    }
    return s[key].join(" 或 ");
  };

  Finder.prototype.activeGroups = function () {
    var self = this;
    return GROUPS.filter(function (k) { return self.groupActive(k); });
  };

  // "担保方式：信用 或 保证", as chips, the empty state and its suggestions name a condition.
  Finder.prototype.conditionText = function (key) {
    return this.label(key) + "：" + this.groupText(key);
  };

  // A chip's × or an empty-state suggestion: drop one condition, then show the top of the list.
  Finder.prototype.dropGroup = function (key) { this.dropGroups([key]); };

  Finder.prototype.clearGroup = function (key) {
    var s = this.state;
    if (key === "q") s.q = "";
    else if (LIST_KEYS.indexOf(key) !== -1) s[key] = [];
    else if (NUMBER_KEYS.indexOf(key) !== -1) s[key] = null;
    else s[key] = false;
  };

  Finder.prototype.renderChips = function () {
    var self = this, list = this.chips, active = this.activeGroups();
    list.textContent = "";
    active.forEach(function (key) {
      var text = self.conditionText(key);
      var li = el("li");
      var button = el("button", null, { type: "button", "class": "portal-chip", "aria-label": "去掉条件 " + text });
      button.appendChild(el("span", text));
      button.appendChild(el("span", "×", { "aria-hidden": "true", "class": "portal-chip__x" }));
      button.addEventListener("click", function () { self.dropGroup(key); });
      li.appendChild(button);
      list.appendChild(li);
    });
    if (active.length > 2) {   // with one or two chips, their own × is as quick
      var li = el("li");
      var all = el("button", "清除全部条件", { type: "button", "class": "portal-chip portal-chip--all" });
      all.addEventListener("click", function () { self.clearAll(); });
      li.appendChild(all);
      list.appendChild(li);
    }
    list.hidden = active.length === 0;
    // The same number as the chips above the list (one per active condition).
    this.activeCount.textContent = "(" + active.length + ")";
  };

  Finder.prototype.renderCounts = function (counts) {
    Array.prototype.forEach.call(this.panel.querySelectorAll(".portal-facet__count"), function (span) {
      var box = span.parentNode.querySelector("input");
      var key = box.name, value = box.value;
      var n = FLAG_KEYS.indexOf(key) !== -1 ? counts[key][key] || 0 : counts[key][value] || 0;
      span.textContent = "(" + n + ")";
      span.parentNode.classList.toggle("portal-facet__option--none", n === 0 && !box.checked);
    });
  };

  // When no single condition is the obstacle (several answers from 帮我选 often are): the pairs
  // of conditions whose removal brings products back, most products first.
  Finder.prototype.relaxPairs = function (active, fails) {
    var pairs = [];
    for (var a = 0; a < active.length; a += 1) {
      for (var b = a + 1; b < active.length; b += 1) {
        var keep = ~((1 << GROUPS.indexOf(active[a])) | (1 << GROUPS.indexOf(active[b])));
        var n = 0, last = -1;      // groups: a group's products are next to each other in fails
        for (var i = 0; i < fails.masks.length; i += 1) {
          if ((fails.masks[i] & keep) === 0 && fails.group[i] !== last) { n += 1; last = fails.group[i]; }
        }
        if (n) pairs.push({ keys: [active[a], active[b]], n: n });
      }
    }
    pairs.sort(function (x, y) { return y.n - x.n; });
    return pairs.slice(0, 2);
  };

  Finder.prototype.dropGroups = function (keys) {
    var self = this;
    keys.forEach(function (key) {
      self.clearGroup(key);
      if (key === "q") self.typed = "";
    });
    this.lastChanged = null;
    this.commit(true).then(function () { self.showTop(); });
  };

  Finder.prototype.renderEmpty = function (relax, maxAmount, fails) {
    var self = this, why = this.emptyWhy, list = this.relaxList;
    list.textContent = "";
    var active = this.activeGroups();
    var helpful = active.filter(function (k) { return relax[k] > 0; });
    var named = function (k) { return "“" + self.conditionText(k) + "”"; };
    var pairs = !helpful.length && active.length > 2 ? this.relaxPairs(active, fails) : [];
    var text;
    if (!active.length) text = "产品库暂时没有产品。";
    else if (active.length === 1) text = "没有符合" + named(active[0]) + "的产品。";
    else if (helpful.length === 1) text = named(helpful[0]) + "与其他条件不能同时满足。";
    else if (this.lastChanged && this.groupActive(this.lastChanged)) text = "加上" + named(this.lastChanged) + "后，没有产品同时满足全部条件。";
    else text = "这 " + active.length + " 个条件不能同时满足。";
    if (pairs.length) text += "只去掉一个条件还不够，至少要去掉两个。";
    if (this.groupActive("amount") && maxAmount !== null && this.state.amount > maxAmount) {
      text += "符合其他条件的产品，最高额度为 " + formatNumber(maxAmount) + " 万元。";
    }
    why.textContent = text;
    helpful.forEach(function (key) {
      var li = el("li");
      var button = el("button", "去掉" + named(key) + "，可看到 " + relax[key] + " 款产品",
        { type: "button", "class": "md-button" });
      button.addEventListener("click", function () { self.dropGroup(key); });
      li.appendChild(button);
      list.appendChild(li);
    });
    pairs.forEach(function (pair) {
      var li = el("li");
      var button = el("button", "去掉" + named(pair.keys[0]) + "和" + named(pair.keys[1]) + "，可看到 " + pair.n + " 款产品",
        { type: "button", "class": "md-button" });
      button.addEventListener("click", function () { self.dropGroups(pair.keys); });
      li.appendChild(button);
      list.appendChild(li);
    });
    if (active.length) {
      var li = el("li");
      var all = el("button", "清除全部条件，查看全部 " + this.total() + " 款产品", { type: "button", "class": "md-button" });
      all.addEventListener("click", function () { self.clearAll(); });
      li.appendChild(all);
      list.appendChild(li);
    }
  };

  Finder.prototype.render = function () {
    var self = this, token = ++this.renderToken;
    return this.loadParts().then(function () {
      if (token === self.renderToken) return self.renderNow(token);
    }, function () {
      if (token === self.renderToken) self.status.textContent = "产品信息加载失败，请刷新页面重试。";
    });
  };

  Finder.prototype.renderNow = function (token) {
    var self = this, computed = this.compute();
    if (guideHanded !== null) {
      document.getElementById("finder-guide-text").textContent =
        stateParams(this.state) === guideHanded ? GUIDE_WORDS.same : GUIDE_WORDS.changed;
    }
    this.dropped = "";
    if (this.softText && this.interpreted.length && computed.results.length === 0 && this.groupActive("q") &&
        computed.relax.q > 0) {
      // A typed sentence: the conditions found in it give products, the leftover words none.
      this.dropped = this.search.text;
      this.state.q = "";
      this.search = { text: "", ranks: null, failed: false };
      window.history.replaceState(window.history.state, "", this.stateUrl());
      computed = this.compute();
    }
    this.softText = false;
    var visible = computed.results.slice(0, this.shown);
    return this.ensureCards(visible).then(function () {
      // A group's card lists its districts: they travel with its first product.
      return self.ensureCards(visible.map(function (i) { return self.leadOf(i); }));
    }).then(function () {
      if (token === self.renderToken) self.draw(computed, visible);
    }, function () {
      if (token === self.renderToken) self.status.textContent = "产品信息加载失败，请刷新页面重试。";
    });
  };

  Finder.prototype.draw = function (computed, visible) {
    var self = this, results = computed.results, s = this.state;
    // The user's own amount and term go to the product page's calculator, in the fragment only.
    this.calcHash = ((s.amount !== null ? "&amount=" + formatNumber(s.amount) : "") +
      (s.term !== null ? "&term=" + s.term : "")).replace("&", "#");
    this.renderCounts(computed.counts);
    this.renderChips();
    this.renderGuide();
    var list = this.list;
    list.textContent = "";
    visible.forEach(function (i) { list.appendChild(self.renderCard(i)); });
    this.compareToggles.render();
    var total = computed.total;
    var rest = total - Math.min(this.shown, total);
    this.more.hidden = rest <= 0;
    this.more.textContent = "显示更多（还有 " + rest + " 款）";
    this.empty.hidden = total !== 0;
    if (total === 0) this.renderEmpty(computed.relax, computed.maxAmount, computed.fails);
    var status;
    if (this.activeGroups().length) {
      status = "找到 " + total + " 款产品（共 " + this.total() + " 款）";
    } else {
      status = "共 " + this.total() + " 款产品";
    }
    if (this.search.failed && this.search.text) status += "；搜索索引未能加载，仅按产品名称和银行匹配";
    this.status.textContent = status;
    var notes = [], labels = [];
    this.interpreted.forEach(function (m) { if (labels.indexOf(m.label) === -1) labels.push(m.label); });
    if (labels.length) {
      notes.push("已按您的说法设置：" + labels.join("；") + "。");
    }
    if (this.dropped) notes.push("没有找到含“" + this.dropped + "”的产品，下面只按识别出的条件列出。");
    this.understood.hidden = notes.length === 0;
    this.understood.textContent = notes.join("");
    var renewalShown = (this.state.sort === "rate" || this.state.sort === "rate-max") && this.renewalLast() &&
      results.some(function (i) { return (self.cols.type ? self.cols.type[i] : self.display(i).type) === self.renewalType; });
    this.sortNote.hidden = !renewalShown;
    this.sortNote.textContent = renewalShown ?
      "续贷产品只适用于贷款即将到期、需要续期的企业，按利率排序时排在新增贷款产品之后。" : "";
    // For tests and bench/finder_bench.py: the results on screen match the URL's state.
    this.renders += 1;
    this.root.setAttribute("data-finder-renders", String(this.renders));
    if (window.performance && performance.mark) performance.mark("finder-results-" + this.renders);
  };

  // Where the state is recorded: the query string, or for a private state (it arrived in the
  // fragment, from 帮我选 or a link made there) the fragment, for the rest of the visit.
  Finder.prototype.stateUrl = function () {
    if (!this.privateState) return stateToQuery(this.state);
    var qs = stateParams(this.state);
    return window.location.pathname + (qs ? "#" + qs : "");
  };

  // The state in the address bar (fragment first); a state in the fragment makes this visit private.
  Finder.prototype.urlState = function () {
    var fragment = fragmentState();
    if (fragment !== null) this.privateState = true;
    return stateFromUrl(fragment !== null ? fragment : window.location.search);
  };

  // Apply the state: search if needed, render, and record it in the address bar.
  Finder.prototype.commit = function (push) {
    var self = this;
    var kept = window.history.state && window.history.state.shown;
    this.shown = push || !kept ? this.index.page_size : kept;
    var url = this.stateUrl();
    var current = this.privateState ? window.location.pathname + window.location.hash
      : window.location.search || window.location.pathname;
    if (push && url !== current) {
      window.history.pushState({ shown: this.shown }, "", url);
    } else if (!push) {
      window.history.replaceState({ shown: this.shown, scroll: window.history.state && window.history.state.scroll }, "", url);
    }
    this.syncForm();
    var text = this.state.q;
    if (text) this.status.textContent = "正在搜索“" + text + "”……";
    return this.runSearch(text).then(function () { return self.render(); });
  };

  Finder.prototype.clearAll = function () {
    var self = this, sort = this.state.sort;
    this.state = emptyState();
    this.state.sort = sort;
    this.interpreted = [];
    this.fromQuery = null;
    this.typed = "";
    this.lastChanged = null;
    this.commit(true).then(function () { self.showTop(); });
  };

  // After a change made far down the page: bring the count and chips back into view, and put
  // the keyboard focus there (the control that was used may have disappeared).
  Finder.prototype.showTop = function () {
    var bar = document.getElementById("finder-bar");
    var top = bar.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight) bar.scrollIntoView({ block: "start" });
    this.status.focus({ preventScroll: true });
  };

  Finder.prototype.readForm = function (changedName) {
    var s = this.state, form = this.panel;
    LIST_KEYS.forEach(function (k) { s[k] = []; });
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (box) {
      if (FLAG_KEYS.indexOf(box.name) !== -1) s[box.name] = box.checked;
      else if (box.checked) s[box.name].push(box.value);
    });
    s.amount = positiveNumber(this.amountInput.value);
    s.term = wholeMonths(positiveNumber(this.termInput.value));
    s.sort = this.sortSelect.value;
    this.lastChanged = changedName || null;
  };

  Finder.prototype.setPanelOpen = function (open) {
    var wide = window.matchMedia("(min-width: 60em)").matches;
    this.panel.hidden = !(open || wide);
    this.toggle.setAttribute("aria-expanded", open || wide ? "true" : "false");
    this.doneButton.hidden = wide;
  };

  Finder.prototype.start = function () {
    var self = this, root = this.root;
    this.list = root.querySelector("[data-product-results]");
    this.panel = document.getElementById("finder-panel");
    this.status = document.getElementById("finder-status");
    this.chips = document.getElementById("finder-chips");
    this.activeCount = document.getElementById("finder-active-count");
    this.toggle = document.getElementById("finder-toggle");
    this.doneButton = document.getElementById("finder-done");
    this.more = document.getElementById("finder-more");
    this.empty = document.getElementById("finder-empty");
    this.emptyWhy = document.getElementById("finder-empty-why");
    this.relaxList = document.getElementById("finder-relax");
    this.understood = document.getElementById("finder-understood");
    this.sortNote = document.getElementById("finder-sort-note");
    this.sortSelect = document.getElementById("finder-sort");
    this.amountInput = document.getElementById("finder-amount");
    this.termInput = document.getElementById("finder-term");
    this.qInput = document.getElementById("finder-q");
    // 修改条件 on a phone's brief line: the search box, chips and notes come back; focus on the chips.
    document.getElementById("finder-expand").addEventListener("click", function () {
      root.classList.add("portal-finder--full");
      (self.chips.querySelector("button") || self.qInput).focus();
    });
    this.guideLinks = Array.prototype.slice.call(root.querySelectorAll("[data-guide]"));
    var searchForm = document.getElementById("finder-search");
    var pager = document.getElementById("finder-pager");
    if (pager) pager.hidden = true;
    searchForm.hidden = false;
    document.getElementById("finder-bar").hidden = false;
    this.compareToggles = compareToggles(this.list);
    this.harvestStatic();

    var media = window.matchMedia("(min-width: 60em)");
    this.setPanelOpen(false);
    var onMedia = function () { self.setPanelOpen(self.toggle.getAttribute("aria-expanded") === "true" && !media.matches ? true : false); };
    if (media.addEventListener) media.addEventListener("change", onMedia);
    this.toggle.addEventListener("click", function () {
      var open = self.panel.hidden;
      self.setPanelOpen(open);
      // The heading, not the first input: on a phone that would open the keyboard over the options.
      if (open) document.getElementById("finder-panel-heading").focus();
    });
    this.doneButton.addEventListener("click", function () {
      self.setPanelOpen(false);
      document.getElementById("finder-bar").scrollIntoView({ block: "start" });
      self.toggle.focus({ preventScroll: true });
    });
    document.getElementById("finder-clear").addEventListener("click", function () { self.clearAll(); });
    // The skip link moves focus without writing its anchor into the address, where it would
    // replace a private state kept in the fragment.
    root.querySelector(".portal-skip").addEventListener("click", function (e) {
      e.preventDefault();
      var heading = document.getElementById("finder-results-heading");
      heading.scrollIntoView({ block: "start" });
      heading.focus({ preventScroll: true });
    });

    this.panel.addEventListener("change", function (e) {
      if (!e.target.name) return;
      self.readForm(e.target.name);
      self.commit(true);
    });
    this.panel.addEventListener("submit", function (e) {
      e.preventDefault();
      self.readForm(null);
      self.commit(true);
    });
    this.sortSelect.addEventListener("change", function () {
      self.state.sort = self.sortSelect.value;
      self.commit(true);
    });
    // While someone types, fetch the search index for the words so far (Pagefind's preload).
    var typing = null;
    this.qInput.addEventListener("input", function () {
      window.clearTimeout(typing);
      var text = self.qInput.value.trim();
      if (text.length < 2) return;
      typing = window.setTimeout(function () {
        loadQueries(root);
        loadPagefind(root).then(function (loaded) {
          if (loaded.pf.preload) loaded.pf.preload(text);
        }).catch(function () { /* searched when submitted */ });
      }, 300);
    });
    searchForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var typed = self.qInput.value.trim();
      var next = self.forgetQuery(JSON.parse(JSON.stringify(self.state)));
      next.q = typed;
      self.interpret(next).then(function (state) {
        self.state = state;
        self.typed = typed;
        self.softText = true;     // leftover words may be dropped if they find nothing
        self.lastChanged = state.q ? "q" : null;
        self.commit(true);
      });
    });
    this.more.addEventListener("click", function () {
      var first = self.shown;
      self.shown += self.index.page_size;
      window.history.replaceState({ shown: self.shown }, "", window.location.href);
      self.render().then(function () {
        var next = self.list.children[first];
        if (next) next.querySelector("a").focus();
      });
    });
    window.addEventListener("popstate", function (e) {
      if (e.state === null && window.location.hash && fragmentState() === null) {
        // An in-page anchor (the theme's skip link), not a change of conditions. A private
        // state's fragment was just replaced by the anchor: put it back in the address.
        if (self.privateState) window.history.replaceState({ shown: self.shown }, "", self.stateUrl());
        return;
      }
      self.typed = "";
      self.fromQuery = null;
      self.interpret(self.urlState()).then(function (state) {
        self.state = state;
        self.lastChanged = null;
        return self.commit(false);
      }).then(function () {
        var bar = document.getElementById("finder-bar");
        if (bar.getBoundingClientRect().top < 0) bar.scrollIntoView({ block: "start" });
      });
    });

    // Back from a product page: the same number of cards and the same place in the list.
    if ("scrollRestoration" in window.history) window.history.scrollRestoration = "manual";
    window.addEventListener("pagehide", function () {
      window.history.replaceState({ shown: self.shown, scroll: window.scrollY }, "", window.location.href);
    });
    var saved = window.history.state || {};
    var first = parseInt(root.getAttribute("data-first-index") || "0", 10);
    var initial = this.urlState();
    var linked = !!window.location.search || this.privateState;
    if (first > 0 && !linked && !saved.shown) {
      // A static page 2, 3 … (reached without JavaScript's list): show up to its cards.
      window.history.replaceState({ shown: first + this.index.page_size }, "", window.location.href);
    }
    if (initial.q) this.typed = initial.q;     // a shared ?q=: show it as typed, conditions below
    var conditions = JSON.parse(JSON.stringify(initial));
    conditions.sort = "";     // a sort alone is still the precomputed first view
    if (this.split && stateParams(conditions)) {
      // A link with conditions needs the columns: fetch them now, alongside Pagefind and the rules.
      this.loadPart("filter").catch(function () { /* render says so */ });
      if (SORT_PART.indexOf(initial.sort) !== -1) this.loadPart("sort").catch(function () { /* idem */ });
    }
    return this.interpret(initial).then(function (state) {
      self.state = state;
      return self.commit(false);
    }).then(function () {
      if (saved.scroll) window.scrollTo(0, saved.scroll);
      else if (first > 0 && !linked && self.list.children[first]) {
        self.list.children[first].scrollIntoView({ block: "start" });
      }
    });
  };

  // The state 帮我选 handed to this tab (null: none), so the brief line stops saying "your
  // answers" once the owner changes a condition.
  var guideHanded = null;
  var GUIDE_WORDS = { same: "按您在“帮我选”中的回答列出。", changed: "已在您“帮我选”的回答基础上修改了条件。" };

  function initFinder() {
    var root = document.getElementById("finder");
    if (!root) return;
    // "Your answers" only when this tab came from 帮我选 (guide.js left the fragment it handed over
    // in sessionStorage): someone opening a shared link answered nothing and keeps the neutral
    // words. Set now, before the index loads, so the line does not change once results show.
    var fragment = fragmentState();
    // (Storage turned off reads as nothing handed: the neutral words.)
    var handed = fragment !== null ? stateParams(stateFromUrl(fragment)) : null;
    if (handed !== null && Portal.session.get("portal-guide-handed") === handed) {
      guideHanded = handed;
      document.getElementById("finder-guide-text").textContent = GUIDE_WORDS.same;
      document.getElementById("finder-guide-link").hidden = false;
    }
    if (new URLSearchParams(fragment || window.location.search).get("q")) {
      loadQueries(root);
      loadPagefind(root).catch(function () { /* runSearch falls back */ });
    }
    fetch(root.getAttribute("data-index"))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (index) {
        root.finder = new Finder(root, index);
        return root.finder.start();
      })
      .catch(function () {
        // The static list (and its pages) stays usable; say why the filters are missing.
        var status = document.getElementById("finder-status");
        root.classList.add("portal-finder--full");     // no brief line without its button
        if (status) {
          document.getElementById("finder-search").hidden = true;
          document.getElementById("finder-toggle").hidden = true;
          document.getElementById("finder-sort").closest("label").hidden = true;
          root.setAttribute("data-finder-renders", "0");     // the static cards are the answer now
          var pager = document.getElementById("finder-pager");
          if (pager) pager.hidden = false;
          status.textContent = "筛选功能未能加载，下面列出第一页产品，可翻页查看全部。";
        }
      });
  }

  // ---------- 加入对比 on cards ----------

  function compareToggles(container) {
    var bar = document.getElementById("compare-bar");
    var link = document.getElementById("compare-link");
    var count = document.getElementById("compare-count");
    var base = link ? link.getAttribute("href") : "";
    var api = { render: function () {} };
    if (!container || !bar) return api;

    api.render = function () {
      var selected = loadSelection();
      var full = selected.length >= MAX_COMPARE;
      Array.prototype.forEach.call(container.querySelectorAll(".portal-compare-toggle"), function (t) {
        t.checked = selected.indexOf(t.value) !== -1;
        t.disabled = !t.checked && full;
        var label = t.closest("label");
        var reason = label.querySelector(".portal-compare-full");
        if (t.disabled && !reason) label.appendChild(el("span", "（已选满 4 款，请先取消一款）", { "class": "portal-compare-full" }));
        if (!t.disabled && reason) reason.remove();
        t.closest(".portal-card__compare").hidden = false;
      });
      count.textContent = String(selected.length);
      bar.hidden = selected.length === 0;
      link.setAttribute("href", base + "?ids=" + encodeURIComponent(selected.join(",")));
    };
    container.addEventListener("change", function (e) {
      var t = e.target;
      if (!t.classList || !t.classList.contains("portal-compare-toggle")) return;
      e.stopPropagation();
      var selected = loadSelection().filter(function (id) { return id !== t.value; });
      if (t.checked) selected.push(t.value);
      saveSelection(selected.slice(0, MAX_COMPARE));
      api.render();
    });
    api.render();
    return api;
  }

  function init() { initFinder(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
