/* kb: paragraph targets under instant navigation, zoom for the global graph, hover previews.
   Everything here is progressive: without JavaScript every link and anchor still works. */
(function () {
  "use strict";

  // --- the paragraph a citation points to ---------------------------------------------
  function markTarget(scroll) {
    document.querySelectorAll(".kb-target").forEach(function (el) { el.classList.remove("kb-target"); });
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) { return; }
    el.classList.add("kb-target");
    // Centred, so neither the header nor the "Back to top" button covers the quoted words.
    if (scroll) { el.scrollIntoView({ block: "center" }); }
  }

  // Material's instant navigation loads a page in place; keep the link's #fragment in the
  // address bar (and drop the previous page's), so a citation can be copied and shared.
  var pending = null;
  function rememberLink(event) {
    if (event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link instanceof SVGAElement) { pending = null; return; }
    var url = new URL(link.href, location.href);
    pending = url.origin === location.origin ? url : null;
  }
  function restoreFragment() {
    if (!pending) { return false; }
    var wanted = pending;
    pending = null;
    if (wanted.pathname !== location.pathname || wanted.hash === location.hash) { return false; }
    history.replaceState(history.state, "", wanted.pathname + wanted.search + wanted.hash);
    return true;
  }

  // --- zoom and pan for the global graph ----------------------------------------------
  function zoomable(svg) {
    if (svg.dataset.kbZoom) { return; }
    svg.dataset.kbZoom = "1";
    var vb = svg.viewBox.baseVal;
    var home = { x: vb.x, y: vb.y, width: vb.width, height: vb.height };
    function zoomAt(scale, clientX, clientY) {
      var rect = svg.getBoundingClientRect();
      var px = vb.x + (clientX - rect.left) / rect.width * vb.width;
      var py = vb.y + (clientY - rect.top) / rect.height * vb.height;
      var width = Math.min(home.width * 1.5, Math.max(home.width / 8, vb.width * scale));
      scale = width / vb.width;
      vb.x = px - (px - vb.x) * scale; vb.y = py - (py - vb.y) * scale;
      vb.width *= scale; vb.height *= scale;
    }
    function zoomCentre(scale) {
      var rect = svg.getBoundingClientRect();
      zoomAt(scale, rect.left + rect.width / 2, rect.top + rect.height / 2);
    }
    // A plain wheel scrolls the page; Ctrl + wheel (and a trackpad pinch, which browsers
    // send as one) zooms the graph.
    svg.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) { return; }
      event.preventDefault();
      zoomAt(event.deltaY < 0 ? 0.85 : 1 / 0.85, event.clientX, event.clientY);
    }, { passive: false });
    // Mouse drag pans. Touch: one finger is left to the browser (touch-action: pan-x pan-y
    // scrolls the page), two fingers pinch-zoom the graph.
    var pointers = new Map();
    var drag = null;
    var pinch = null;
    function spread() {
      var p = Array.from(pointers.values());
      return Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y);
    }
    svg.addEventListener("pointerdown", function (event) {
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (pointers.size === 2) {
        var p = Array.from(pointers.values());
        pinch = { distance: spread(), x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2 };
        drag = null;
      } else if (event.pointerType === "mouse" && !(event.target.closest && event.target.closest("a"))) {
        drag = { x: event.clientX, y: event.clientY };
      }
    });
    svg.addEventListener("pointermove", function (event) {
      if (!pointers.has(event.pointerId)) { return; }
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (pinch && pointers.size === 2) {
        var now = spread();
        if (now > 0 && pinch.distance > 0) { zoomAt(pinch.distance / now, pinch.x, pinch.y); }
        pinch.distance = now;
        return;
      }
      if (!drag) { return; }
      var rect = svg.getBoundingClientRect();
      vb.x -= (event.clientX - drag.x) / rect.width * vb.width;
      vb.y -= (event.clientY - drag.y) / rect.height * vb.height;
      drag = { x: event.clientX, y: event.clientY };
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      svg.addEventListener(name, function (event) {
        pointers.delete(event.pointerId);
        if (pointers.size < 2) { pinch = null; }
        drag = null;
      });
    });
    var frame = svg.closest(".kb-graph-frame");
    if (frame && !(frame.previousElementSibling && frame.previousElementSibling.classList.contains("kb-graph-controls"))) {
      var controls = document.createElement("div");
      controls.className = "kb-graph-controls";
      [["+", "Zoom in", function () { zoomCentre(0.8); }],
       ["−", "Zoom out", function () { zoomCentre(1.25); }],
       ["⟲", "Reset zoom", function () { vb.x = home.x; vb.y = home.y; vb.width = home.width; vb.height = home.height; }]
      ].forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = spec[0];
        button.title = spec[1];
        button.setAttribute("aria-label", spec[1]);
        button.addEventListener("click", spec[2]);
        controls.appendChild(button);
      });
      frame.parentNode.insertBefore(controls, frame);
    }
  }

  // Graph nodes are SVG links. Material's instant navigation ignores them (it only
  // handles HTML links), so hand a plain click on to an equivalent HTML link: Material
  // then loads the page in place, or the browser follows it as usual.
  function svgLinkClick(event) {
    if (event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var link = event.target && event.target.closest ? event.target.closest("a") : null;
    if (!link || !(link instanceof SVGAElement) || !link.href || !link.href.baseVal) { return; }
    var url = new URL(link.href.baseVal, location.href);
    if (url.origin !== location.origin) { return; }
    event.preventDefault();
    event.stopPropagation();
    var proxy = document.createElement("a");
    proxy.href = url.href;
    proxy.hidden = true;
    document.body.appendChild(proxy);
    proxy.click();
    proxy.remove();
  }

  // --- hover previews -----------------------------------------------------------------
  // The linked page's title, type and lead, taken as text (never as markup) from the page
  // itself; works with or without instant navigation, and quietly does nothing where the
  // page cannot be fetched (file://).
  var previews = new Map();
  var popover = null;
  var showTimer = null;
  var current = null;

  function previewable(link) {
    if (!link || link instanceof SVGAElement || link.closest(".md-header, .md-sidebar, .md-footer, .kb-preview")) {
      return null;
    }
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !/^(https?):$/.test(url.protocol)) { return null; }
    if (!/\/(entities|articles)\/[^/]+\/?(index\.html)?$/.test(url.pathname)) { return null; }
    if (url.pathname === location.pathname) { return null; }
    return url.origin + url.pathname;
  }

  function leadOf(doc) {
    var article = doc.querySelector(".md-content article") || doc.body;
    var title = article.querySelector("h1");
    var lead = article.querySelector(".kb-lead");
    if (!lead) {
      lead = Array.from(article.querySelectorAll("p")).find(function (p) {
        return !p.closest(".kb-infobox, .kb-meta, .admonition, nav") && !p.classList.contains("kb-meta") &&
          p.textContent.trim().length > 40;
      });
    }
    var badge = article.querySelector(".kb-badge");
    var text = lead ? lead.textContent.replace(/\s+/g, " ").replace(/¶/g, "").trim() : "";
    if (text.length > 320) { text = text.slice(0, 317).replace(/\s+\S*$/, "") + "…"; }
    return {
      title: title ? title.textContent.replace(/¶/g, "").trim() : "",
      type: badge ? badge.textContent.trim() : "",
      text: text
    };
  }

  function fetchPreview(url) {
    if (!previews.has(url)) {
      previews.set(url, fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) { return leadOf(new DOMParser().parseFromString(html, "text/html")); })
        .catch(function () { return null; }));
    }
    return previews.get(url);
  }

  function hidePreview() {
    clearTimeout(showTimer);
    current = null;
    if (popover) { popover.remove(); popover = null; }
  }

  function showPreview(link, data) {
    if (current !== link || !data || !(data.title || data.text)) { return; }
    hidePreview();
    current = link;
    popover = document.createElement("div");
    popover.className = "kb-preview md-typeset";
    popover.setAttribute("role", "tooltip");
    var heading = document.createElement("strong");
    heading.textContent = data.title;
    popover.appendChild(heading);
    if (data.type) {
      var type = document.createElement("span");
      type.className = "kb-preview-type";
      type.textContent = data.type;
      popover.appendChild(type);
    }
    if (data.text) {
      var text = document.createElement("p");
      text.textContent = data.text;
      popover.appendChild(text);
    }
    document.body.appendChild(popover);
    var rect = link.getBoundingClientRect();
    var width = popover.offsetWidth;
    var height = popover.offsetHeight;
    var left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    var top = rect.bottom + 6;
    if (top + height > window.innerHeight - 8 && rect.top - height - 6 > 8) { top = rect.top - height - 6; }
    popover.style.left = (left + window.scrollX) + "px";
    popover.style.top = (top + window.scrollY) + "px";
  }

  function onHover(event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    var url = link && previewable(link);
    if (!url) { return; }
    current = link;
    clearTimeout(showTimer);
    showTimer = setTimeout(function () {
      fetchPreview(url).then(function (data) { showPreview(link, data); });
    }, 300);
  }

  function onLeave(event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (link && link === current) { hidePreview(); }
  }

  var initialised = false;

  function init() {
    initialised = true;
    // Material's search overlay is a role="dialog" without a name (axe: aria-dialog-name).
    var search = document.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label")) { search.setAttribute("aria-label", "Search"); }
    hidePreview();
    var moved = restoreFragment();
    markTarget(moved || (window.document$ && location.hash));
    document.querySelectorAll(".kb-global svg").forEach(zoomable);
  }

  window.addEventListener("hashchange", function () { markTarget(false); });
  document.addEventListener("click", rememberLink, true);
  document.addEventListener("click", svgLinkClick, true);
  document.addEventListener("mouseover", onHover);
  document.addEventListener("focusin", onHover);
  document.addEventListener("mouseout", onLeave);
  document.addEventListener("focusout", onLeave);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hidePreview(); } });
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
  // Under file:// Material's document$ never fires (its setup stops without a search worker).
  window.addEventListener("load", function () { if (!initialised) { init(); } });
})();
