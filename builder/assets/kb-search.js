// kb search, and the site from disk.
//
// One search engine, run in two places:
// - over http, as Material's search worker (the kb plugin puts a two-line worker that
//   importScripts this file in place of Material's lunr worker): Material's search box,
//   result list and keyboard handling stay; the worker answers its QUERY messages;
// - from disk (file://), where no worker starts, in the page: the results are rendered into
//   Material's result list with Material's markup.
//
// The index is a set of small scripts, each one call of kbSearchShard(name, data), loaded
// with importScripts (worker) or a <script> tag (page), so file:// works as http does:
// - names (builder/search.py search_files): search/kb/index.js lists the shards, and
//   search/kb/<prefix>.js holds the entities and articles filed under a name token; a query
//   loads one (the smallest of its words'). Exact name or alias first, then names it begins,
//   names holding every word, then names within a typo;
// - full text (builder/search.py fulltext_files): search/ft/meta.js holds the first term of
//   each term shard and the page count of each doc shard; a query loads the term shard of each
//   word (postings: page, section, tf, title flag) and the doc shards of the pages it shows,
//   for their title and the snippet around the hit.
// Results list names first, then pages by the words they hold, then tf-idf. Snippets and
// titles are escaped here and only <mark> is added: content never becomes markup.
//
// From disk: links to a folder ("entities/x/") would open a directory listing under
// file://, so they are pointed at the folder's index.html, in the DOM and on click.
(function () {
  "use strict";

  var WORKER = typeof document === "undefined" && typeof importScripts === "function";
  var FILE = !WORKER && location.protocol === "file:";
  var NAMES = 8; // name hits at most
  var PAGES = 10; // full-text pages at most (their doc shards are loaded)
  var PREFIX_TERMS = 40; // terms a last, unfinished word may stand for
  var SNIPPET = 220; // characters around a hit
  var STOP = {};
  "a an and as at by for from in is it its of on or the to with".split(" ").forEach(function (w) { STOP[w] = true; });
  var me = WORKER ? null : document.currentScript;
  // the worker is <root>/assets/javascripts/workers/search.*.js, this file <root>/assets/kb-search.js
  var ROOT = WORKER ? new URL("../../../", location.href) : new URL("..", me && me.src ? me.src : location.href);
  var has = Object.prototype.hasOwnProperty;

  // --- loading ------------------------------------------------------------------------------
  var files = {}; // name -> Promise of its data
  var arrived = {}; // name -> resolve function

  self.kbSearchShard = function (name, data) {
    if (arrived[name]) { arrived[name](data && typeof data === "object" ? data : null); delete arrived[name]; }
  };

  // "a", "pr", "index": a name shard (search/kb/); "ft/t3": a full-text file (search/ft/)
  function load(name) {
    if (!files[name]) {
      files[name] = new Promise(function (resolve) {
        arrived[name] = resolve;
        var src = new URL("search/" + (name.indexOf("/") >= 0 ? name : "kb/" + name) + ".js", ROOT).href;
        if (WORKER) {
          try { importScripts(src); } catch (e) { /* missing: resolved below */ }
          if (arrived[name]) { delete arrived[name]; resolve(null); }
          return;
        }
        var script = document.createElement("script");
        script.src = src;
        script.onerror = function () { delete arrived[name]; resolve(null); };
        document.head.appendChild(script);
      });
    }
    return files[name];
  }

  function fold(text) {
    return String(text).toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function tokens(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  // --- names ----------------------------------------------------------------------------------
  // The same rule as builder/search.py shard_of: the first letter, one letter longer for as
  // long as index.js lists that prefix as split, "_" where the token ends or leaves a-z0-9.
  function shardOf(token, split) {
    var key = token.charAt(0);
    if (!/[a-z0-9]/.test(key)) { return "other"; }
    while (split.indexOf(key) >= 0) {
      var following = token.charAt(key.length);
      if (!/[a-z0-9]/.test(following)) { return key + "_"; }
      key += following;
    }
    return key;
  }

  // Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions),
  // giving up above `max`.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) { return max + 1; }
    var prev2 = null, prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) { prev.push(j); }
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
        var d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a.charAt(i - 1) === b.charAt(j - 2) && a.charAt(i - 2) === b.charAt(j - 1)) {
          d = Math.min(d, prev2[j - 2] + 1);
        }
        cur.push(d);
        if (d < best) { best = d; }
      }
      if (best > max) { return max + 1; }
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  function allowedTypos(token) {
    return token.length >= 8 ? 2 : token.length >= 4 ? 1 : 0;
  }

  // 0 exact name or alias, 1 prefix, 2 every token, 3 every token allowing typos; -1 none.
  var tokenCache = new Map(); // name -> its tokens (a shard is searched on every keystroke)

  function rankName(query, words, name) {
    var nameWords = tokenCache.get(name);
    if (!nameWords) { nameWords = tokens(name); tokenCache.set(name, nameWords); }
    var joined = nameWords.join(" ");
    if (joined === query) { return 0; }
    if (joined.indexOf(query) === 0) { return 1; }
    var prefix = words.every(function (w) {
      return nameWords.some(function (n) { return n.indexOf(w) === 0; });
    });
    if (prefix) { return 2; }
    var typo = words.every(function (w) {
      var max = allowedTypos(w);
      return nameWords.some(function (n) {
        // The first letter is taken as typed (it chose the shard too).
        return n.indexOf(w) === 0 || (max > 0 && n.charAt(0) === w.charAt(0) && distance(w, n, max) <= max);
      });
    });
    return typo ? 3 : -1;
  }

  // [{rank, entry: [name, aliases, kind, snippet, url, is_entity], via: alias or null}], best first
  function searchNames(words, pool) {
    var query = words.join(" ");
    return load("index").then(function (index) {
      // Any one word's shard holds every name that can match the whole query: load the
      // smallest that exists (a word without one is likely a typo; if all are, nothing).
      index = index || {};
      var sizes = index.shards || {}, best = null;
      pool.forEach(function (word) {
        var shard = shardOf(word, index.split || []);
        if (has.call(sizes, shard) && (best === null || sizes[shard] < sizes[best])) { best = shard; }
      });
      return best === null ? [] : load(best);
    }).then(function (entries) {
      var found = [];
      (entries || []).forEach(function (entry) {
        var names = [entry[0]].concat(entry[1] || []);
        var best = -1, via = null;
        names.forEach(function (name, i) {
          var rank = rankName(query, words, name);
          if (rank >= 0 && (best < 0 || rank < best)) { best = rank; via = i ? name : null; }
        });
        if (best >= 0) { found.push({ rank: best, entry: entry, via: via }); }
      });
      found.sort(function (a, b) {
        return a.rank - b.rank || b.entry[5] - a.entry[5] ||
          a.entry[0].length - b.entry[0].length || (a.entry[0] < b.entry[0] ? -1 : a.entry[0] > b.entry[0] ? 1 : 0);
      });
      return found.slice(0, NAMES);
    });
  }

  // --- full text ------------------------------------------------------------------------------
  // The last i with firsts[i] <= key, or -1.
  function shardIndex(firsts, key) {
    var lo = 0, hi = firsts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (firsts[mid] <= key) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  // The terms a query word stands for in its shard: itself; as the last, unfinished word, the
  // terms it begins; with neither, the terms within a typo (first letter as typed).
  function variants(shard, word, prefix) {
    var out = [];
    if (has.call(shard, word)) { out.push({ term: word, list: shard[word], factor: 1 }); }
    var term;
    if (prefix && word.length >= 2) {
      for (term in shard) {
        if (out.length > PREFIX_TERMS) { break; }
        if (term !== word && term.lastIndexOf(word, 0) === 0 && has.call(shard, term)) {
          out.push({ term: term, list: shard[term], factor: 0.8 });
        }
      }
    }
    var max = allowedTypos(word);
    if (!out.length && max) {
      for (term in shard) {
        if (out.length >= 10) { break; }
        if (has.call(shard, term) && term.charAt(0) === word.charAt(0) && distance(word, term, max) <= max) {
          out.push({ term: term, list: shard[term], factor: 0.5 });
        }
      }
    }
    return out;
  }

  // {meta, pages: [{page, cover, score, sections: [{section, score, hits: [bool per word]}]}], terms}
  function searchText(words, prefixLast) {
    return load("ft/meta").then(function (meta) {
      if (!meta || !meta.terms) { return { meta: null, pages: [], terms: [] }; }
      if (!meta.firsts) { // the first page of each doc shard, from their page counts
        var first = 0;
        meta.firsts = (meta.docs || []).map(function (n) { var at = first; first += n; return at; });
      }
      var total = meta.pages || 1;
      return Promise.all(words.map(function (word, i) {
        var prefix = prefixLast && i === words.length - 1;
        var k = Math.max(shardIndex(meta.terms, word), 0), shards = [load("ft/t" + k)];
        // the words an unfinished word begins may run on into the next shard
        if (prefix && k + 1 < meta.terms.length && meta.terms[k + 1].lastIndexOf(word, 0) === 0) { shards.push(load("ft/t" + (k + 1))); }
        return Promise.all(shards).then(function (loaded) {
          var found = [];
          loaded.forEach(function (shard) { found = found.concat(variants(shard || {}, word, prefix)); });
          return found;
        });
      })).then(function (perWord) {
        var sections = new Map(), terms = [];
        perWord.forEach(function (found, w) {
          found.forEach(function (v) {
            terms.push(v.term);
            var list = v.list, idf = Math.log(1 + total / list[0]), page = 0;
            for (var j = 1; j + 2 < list.length; j += 3) {
              page += list[j];
              var weight = list[j + 2], tf = weight & 31;
              var score = idf * v.factor * ((tf ? 1 + Math.log(tf) : 0) + (weight & 32 ? 3 : 0));
              var key = page * 4096 + list[j + 1];
              var hit = sections.get(key);
              if (!hit) { hit = { page: page, section: list[j + 1], scores: words.map(function () { return 0; }) }; sections.set(key, hit); }
              if (score > hit.scores[w]) { hit.scores[w] = score; }
            }
          });
        });
        var pages = new Map();
        sections.forEach(function (hit) {
          var score = hit.scores.reduce(function (a, b) { return a + b; }, 0);
          var page = pages.get(hit.page);
          if (!page) { page = { page: hit.page, covered: words.map(function () { return false; }), score: 0, sections: [] }; pages.set(hit.page, page); }
          hit.scores.forEach(function (s, w) { if (s > 0) { page.covered[w] = true; } });
          page.sections.push({ section: hit.section, score: score, hits: hit.scores.map(function (s) { return s > 0; }) });
          page.score = Math.max(page.score, score);
        });
        var ranked = [];
        pages.forEach(function (page) {
          page.cover = page.covered.filter(Boolean).length;
          page.sections.sort(function (a, b) { return b.score - a.score || a.section - b.section; });
          ranked.push(page);
        });
        ranked.sort(function (a, b) { return b.cover - a.cover || b.score - a.score || a.page - b.page; });
        return { meta: meta, pages: ranked, terms: terms };
      });
    });
  }

  function loadDoc(meta, page) {
    var k = shardIndex(meta.firsts, page);
    if (k < 0) { return Promise.resolve(null); }
    return load("ft/d" + k).then(function (docs) { return docs ? docs[page - meta.firsts[k]] || null : null; });
  }

  // --- snippets -------------------------------------------------------------------------------
  function escapeHtml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  // The folded text and, for each of its characters, where it came from in `text`.
  function folded(text) {
    if (/^[\x00-\x7f]*$/.test(text)) { return { text: text.toLowerCase(), at: null }; }
    var out = "", at = [];
    for (var i = 0; i < text.length; i++) {
      var f = fold(text.charAt(i));
      for (var j = 0; j < f.length; j++) { out += f.charAt(j); at.push(i); }
    }
    at.push(text.length);
    return { text: out, at: at };
  }

  // [start, end) ranges of `text` where a term begins a word, in order, not overlapping.
  function matches(text, terms) {
    var f = folded(text), ranges = [];
    terms.forEach(function (term) {
      if (!term) { return; }
      var from = 0, i;
      while ((i = f.text.indexOf(term, from)) >= 0) {
        from = i + 1;
        if (i > 0 && /[\p{L}\p{N}]/u.test(f.text.charAt(i - 1))) { continue; }
        var start = f.at ? f.at[i] : i, end = f.at ? f.at[i + term.length] : i + term.length;
        ranges.push([start, end]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var out = [];
    ranges.forEach(function (r) {
      if (out.length && r[0] < out[out.length - 1][1]) {
        out[out.length - 1][1] = Math.max(out[out.length - 1][1], r[1]);
      } else {
        out.push(r);
      }
    });
    return out;
  }

  function marked(text, ranges, from, to) {
    var html = "", at = from;
    ranges.forEach(function (r) {
      if (r[1] <= from || r[0] >= to) { return; }
      var s = Math.max(r[0], from), e = Math.min(r[1], to);
      html += escapeHtml(text.slice(at, s)) + "<mark data-md-highlight>" + escapeHtml(text.slice(s, e)) + "</mark>";
      at = e;
    });
    return html + escapeHtml(text.slice(at, to));
  }

  function highlight(text, terms) {
    text = String(text || "");
    return marked(text, matches(text, terms), 0, text.length);
  }

  // The text around the first hit (or its beginning), escaped, hits marked.
  function snippet(text, terms) {
    text = String(text || "");
    var ranges = matches(text, terms);
    var start = 0;
    if (ranges.length && ranges[0][0] > SNIPPET / 3) {
      start = text.indexOf(" ", ranges[0][0] - SNIPPET / 3) + 1;
      if (start <= 0 || start > ranges[0][0]) { start = ranges[0][0]; }
    }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) {
      var space = text.lastIndexOf(" ", end);
      if (space > start) { end = space; }
    }
    return (start > 0 ? "… " : "") + marked(text, ranges, start, end) + (end < text.length ? " …" : "");
  }

  // --- one query ------------------------------------------------------------------------------
  // Material's result items: one array of documents per page, {location, title, text, score,
  // terms}; the page's own document (no '#') among them.
  function search(text) {
    var words = tokens(text);
    if (!words.length) { return Promise.resolve([]); }
    var content = words.filter(function (w) { return !STOP[w] && w.length > 1; });
    var pool = content.length ? content : words;
    var unique = pool.filter(function (w, i) { return pool.indexOf(w) === i; });
    var unfinished = !/\s$/.test(text);
    // The first letter or two of a word find names; the full text waits for a third.
    var fullText = unique.some(function (w) { return w.length >= 3; }) ? searchText(unique, unfinished)
      : Promise.resolve({ meta: null, pages: [], terms: [] });
    return Promise.all([searchNames(words, pool), fullText]).then(function (both) {
      var names = both[0], found = both[1];
      var top = found.pages.slice(0, PAGES);
      return Promise.all(top.map(function (p) { return loadDoc(found.meta, p.page); })).then(function (docs) {
        var marks = unique.concat(found.terms);
        var items = [], byUrl = {};
        var all = function (value) {
          var terms = {};
          unique.forEach(function (w) { terms[w] = value; });
          return terms;
        };
        names.forEach(function (hit, i) {
          var entry = hit.entry;
          var kind = entry[2] + (hit.via ? ", also \u201c" + hit.via + "\u201d" : "");
          var item = [{
            location: entry[4], title: highlight(entry[0], marks),
            text: escapeHtml(kind) + (entry[3] ? ": " + highlight(entry[3], marks) : ""),
            score: 1000 - 100 * hit.rank - i, terms: all(true),
          }];
          byUrl[entry[4]] = item;
          items.push(item);
        });
        top.forEach(function (hit, n) {
          var doc = docs[n];
          if (!doc) { return; }
          var url = doc[0], sections = doc[1], item = byUrl[url], known = !!item;
          if (!item) { item = byUrl[url] = []; }
          hit.sections.forEach(function (s) {
            var section = sections[s.section];
            if (!section || (known && !s.section)) { return; }
            var terms = {};
            unique.forEach(function (w, k) { terms[w] = s.hits[k]; });
            item.push({
              location: url + (section[0] ? "#" + section[0] : ""), title: highlight(section[1], marks),
              text: snippet(section[2], marks), score: known ? Math.min(s.score, item[0].score - 1) : s.score, terms: terms,
            });
          });
          if (!known) {
            if (!item.some(function (d) { return d.location === url; })) {
              item.push({ location: url, title: highlight(sections[0][1], marks), text: "", score: 0, terms: all(false) });
            }
            items.push(item);
          }
        });
        return items.filter(function (item) { return item.length; });
      });
    });
  }

  // --- the worker: Material's protocol (0 setup, 1 ready, 2 query, 3 result) ----------------
  if (WORKER) {
    var latest = 0;
    self.addEventListener("message", function (event) {
      var message = event.data || {};
      if (message.type === 0) {
        self.postMessage({ type: 1 });
      } else if (message.type === 2) {
        var ticket = ++latest;
        var answer = function (items) {
          if (ticket === latest) { self.postMessage({ type: 3, data: { items: items } }); }
        };
        search(String(message.data || "")).then(answer, function () { answer([]); });
      }
    });
    self.kbSearch = search;
    return;
  }

  // --- from disk ------------------------------------------------------------------------
  function diskUrl(href) {
    if (!FILE || !href) { return null; }
    var url;
    try { url = new URL(href, location.href); } catch (e) { return null; }
    if (url.protocol !== "file:" || !/\/$/.test(url.pathname)) { return null; }
    url.pathname += "index.html";
    return url.href;
  }

  function fixLink(link) {
    if (link instanceof SVGAElement) {
      var svgHref = link.getAttribute("href") || link.getAttributeNS("http://www.w3.org/1999/xlink", "href");
      var svgFixed = diskUrl(svgHref);
      if (svgFixed) {
        link.setAttribute("href", svgFixed);
        if (link.hasAttributeNS("http://www.w3.org/1999/xlink", "href")) {
          link.setAttributeNS("http://www.w3.org/1999/xlink", "xlink:href", svgFixed);
        }
      }
      return;
    }
    var fixed = diskUrl(link.getAttribute("href"));
    if (fixed) { link.setAttribute("href", fixed); }
  }

  function fixLinks(scope) {
    if (!FILE) { return; }
    (scope || document).querySelectorAll("a").forEach(fixLink);
  }

  // Material hides its search box when its worker cannot start (always, under file://);
  // this file searches in the page there, so show the box again.
  function showSearchBox() {
    var box = document.querySelector(".md-search[data-md-component=search]");
    if (!FILE || !box || box.kbShown) { return; }
    box.kbShown = true;
    box.hidden = false;
    new MutationObserver(function () { if (box.hidden) { box.hidden = false; } })
      .observe(box, { attributes: true, attributeFilter: ["hidden"] });
  }

  if (FILE) {
    // Capturing, so the link is right before the browser (or kb.js's SVG hand-over) acts on it.
    document.addEventListener("click", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a") : null;
      if (link) { fixLink(link); }
    }, true);
    document.addEventListener("auxclick", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a") : null;
      if (link) { fixLink(link); }
    }, true);
  }

  // --- results in the page (file://), with Material's markup -----------------------------------
  function href(url) {
    var target = new URL(url, ROOT).href;
    return diskUrl(target) || target;
  }

  function element(tag, className, html) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (html) { el.innerHTML = html; } // escaped by highlight/snippet: only <mark> is markup
    return el;
  }

  function translation(key, count) {
    var config = {};
    try { config = JSON.parse(document.getElementById("__config").textContent); } catch (e) { /* defaults */ }
    var text = (config.translations || {})[key] || { "search.result.none": "No matching documents",
      "search.result.one": "1 matching document", "search.result.other": "# matching documents",
      "search.result.more.one": "1 more on this page", "search.result.more.other": "# more on this page",
      "search.result.placeholder": "Type to start searching" }[key] || "";
    return text.replace("#", String(count));
  }

  function renderDoc(doc, parent, teaser) {
    var link = element("a", "md-search-result__link");
    link.href = href(doc.location);
    link.tabIndex = -1;
    var article = element("article", "md-search-result__article md-typeset");
    article.setAttribute("data-md-score", doc.score.toFixed(2));
    if (parent) { article.appendChild(element("div", "md-search-result__icon md-icon")); }
    article.appendChild(element(parent ? "h1" : "h2", null, doc.title));
    if (teaser && doc.text) { article.appendChild(element("p", null, doc.text)); }
    link.appendChild(article);
    return link;
  }

  // As Material's renderSearchResultItem: the page, the sections as good as the best, the rest folded.
  function renderItem(docs) {
    var threshold = docs[0].score;
    docs = docs.slice();
    var at = docs.findIndex(function (d) { return d.location.indexOf("#") < 0; });
    var page = docs.splice(Math.max(at, 0), 1)[0];
    var index = docs.findIndex(function (d) { return d.score < threshold; });
    if (index < 0) { index = docs.length; }
    var li = element("li", "md-search-result__item");
    li.appendChild(renderDoc(page, true, at === 0 && index === 0));
    docs.slice(0, index).forEach(function (d) { li.appendChild(renderDoc(d, false, true)); });
    var more = docs.slice(index);
    if (more.length) {
      var details = element("details", "md-search-result__more");
      var summary = element("summary");
      summary.tabIndex = -1;
      var label = element("div");
      label.textContent = translation(more.length === 1 ? "search.result.more.one" : "search.result.more.other", more.length);
      summary.appendChild(label);
      details.appendChild(summary);
      more.forEach(function (d) { details.appendChild(renderDoc(d, false, true)); });
      li.appendChild(details);
    }
    return li;
  }

  var shown = [];

  function show(items, query) {
    var list = document.querySelector(".md-search-result__list");
    var meta = document.querySelector(".md-search-result__meta");
    if (!list) { return; }
    shown = items;
    list.textContent = "";
    list.hidden = false;
    items.forEach(function (item) { list.appendChild(renderItem(item)); });
    list.setAttribute("data-kb-query", query); // what the list answers (the browser tests wait for it)
    if (meta) {
      meta.textContent = !query.trim() ? translation("search.result.placeholder")
        : !items.length ? translation("search.result.none")
        : items.length === 1 ? translation("search.result.one") : translation("search.result.other", items.length);
    }
  }

  var asked = 0;

  function onInput(event) {
    var input = event.target;
    if (!FILE || !input || !input.matches || !input.matches(".md-search__input")) { return; }
    var toggle = document.getElementById("__search");
    if (toggle && !toggle.checked && input.value) { toggle.checked = true; }
    var ticket = ++asked, value = input.value;
    search(value).then(function (items) {
      if (ticket === asked) { show(items, value); }
    });
  }

  function onKey(event) {
    if (!FILE || event.key !== "Enter" || !event.target || !event.target.matches || !event.target.matches(".md-search__input")) { return; }
    var first = document.querySelector(".md-search-result__list > li a.md-search-result__link");
    event.preventDefault();
    event.stopPropagation();
    if (shown.length && first) { location.href = first.href; }
  }

  document.addEventListener("input", onInput, true);
  document.addEventListener("keydown", onKey, true);

  function init() { fixLinks(document); showSearchBox(); }
  // On load, whether or not Material's document$ ever fires (under file:// it does not),
  // and again after each instant navigation.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(init); }
  window.kbSearch = search; // for the browser tests and the console
})();
