// kb name search and the site from disk.
//
// Names: the builder writes search/kb/<shard>.js (builder/search.py), one script per first
// letter of a name token, each calling kbSearchShard(shard, entries). Loading them with a
// <script> tag works over http and from file:// (where fetch and Material's search worker
// do not). A query loads one shard (the smallest of its words'), ranks names and aliases there and
// shows up to 8 in a "Names" block above Material's results. Everything is built with
// textContent: a name is never markup.
//
// From disk: links to a folder ("entities/x/") would open a directory listing under
// file://, so they are pointed at the folder's index.html, in the DOM and on click.
(function () {
  "use strict";

  var FILE = location.protocol === "file:";
  var LIMIT = 8;
  var STOP = {};
  "a an and as at by for from in is it its of on or the to with".split(" ").forEach(function (w) { STOP[w] = true; });
  var me = document.currentScript;
  var ROOT = new URL("..", me && me.src ? me.src : location.href); // this file is <root>/assets/kb-search.js

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
  // the name search works there, so show the box again.
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

  // --- the index ------------------------------------------------------------------------
  var shards = {}; // shard -> Promise of its entries
  var arrived = {}; // shard -> resolve function

  window.kbSearchShard = function (name, entries) {
    if (arrived[name]) { arrived[name](entries && typeof entries === "object" ? entries : []); delete arrived[name]; }
  };

  function loadShard(name) {
    if (!shards[name]) {
      shards[name] = new Promise(function (resolve) {
        arrived[name] = resolve;
        var script = document.createElement("script");
        script.src = new URL("search/kb/" + name + ".js", ROOT).href;
        script.onerror = function () { resolve(name === "index" ? {} : []); };
        document.head.appendChild(script);
      });
    }
    return shards[name];
  }

  function fold(text) {
    return String(text).toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function tokens(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

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

  function search(text) {
    var words = tokens(text);
    if (!words.length) { return Promise.resolve([]); }
    var content = words.filter(function (w) { return !STOP[w] && w.length > 1; });
    var pool = content.length ? content : words;
    var query = words.join(" ");
    return loadShard("index").then(function (index) {
      // Any one word's shard holds every name that can match the whole query: load the
      // smallest that exists (a word without one is likely a typo; if all are, nothing).
      var sizes = index.shards || {}, best = null;
      pool.forEach(function (word) {
        var shard = shardOf(word, index.split || []);
        if (Object.prototype.hasOwnProperty.call(sizes, shard) && (best === null || sizes[shard] < sizes[best])) { best = shard; }
      });
      return best === null ? [] : loadShard(best);
    }).then(function (entries) {
      var found = [];
      entries.forEach(function (entry) {
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
      return found.slice(0, LIMIT);
    });
  }

  // --- the results ----------------------------------------------------------------------
  function href(url) {
    var target = new URL(url, ROOT).href;
    return diskUrl(target) || target;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text) { el.textContent = text; }
    return el;
  }

  function resultBox() {
    var output = document.querySelector(".md-search-result");
    if (!output) { return null; }
    var box = output.querySelector(".kb-names");
    if (!box) {
      box = element("div", "kb-names");
      box.hidden = true;
      output.insertBefore(box, output.firstChild);
    }
    return box;
  }

  var latest = [];

  function show(results, query) {
    var box = resultBox();
    if (!box) { return; }
    latest = results;
    box.textContent = "";
    box.setAttribute("data-query", query); // what the block answers (the browser tests wait for it)
    box.hidden = !results.length;
    if (!results.length) { return; }
    box.appendChild(element("p", "kb-names__title", "Names"));
    var list = element("ol", "kb-names__list");
    results.forEach(function (found) {
      var entry = found.entry;
      var item = element("li", "kb-names__item");
      var link = element("a", "kb-names__link");
      link.href = href(entry[4]);
      link.appendChild(element("span", "kb-names__name", entry[0]));
      link.appendChild(element("span", "kb-names__type", entry[2] + (found.via ? " · also " + found.via : "")));
      if (entry[3]) { link.appendChild(element("span", "kb-names__snippet", entry[3])); }
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
    if (FILE) {
      var meta = document.querySelector(".md-search-result__meta");
      if (meta) { meta.textContent = "Names only: full-text search needs the site served over http"; }
    }
  }

  var asked = 0;

  function onInput(event) {
    var input = event.target;
    if (!input || !input.matches || !input.matches(".md-search__input")) { return; }
    var toggle = document.getElementById("__search");
    if (FILE && toggle && !toggle.checked && input.value) { toggle.checked = true; }
    var ticket = ++asked;
    search(input.value).then(function (results) {
      if (ticket === asked) { show(results, input.value); }
    });
  }

  function onKey(event) {
    if (event.key !== "Enter" || !event.target || !event.target.matches || !event.target.matches(".md-search__input")) { return; }
    if (!latest.length || document.querySelector(".md-search-result__list > li")) { return; }
    event.preventDefault();
    event.stopPropagation();
    location.href = href(latest[0].entry[4]);
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
  window.kbNameSearch = search; // for the browser tests and the console
})();
