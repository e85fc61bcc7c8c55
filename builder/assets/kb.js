/* kb: paragraph highlighting under instant navigation, and zoom/pan for graphs. */
(function () {
  "use strict";

  function markTarget() {
    document.querySelectorAll(".kb-target").forEach(function (el) { el.classList.remove("kb-target"); });
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el) { el.classList.add("kb-target"); }
  }

  function zoomable(svg) {
    if (svg.dataset.kbZoom) { return; }
    svg.dataset.kbZoom = "1";
    var vb = svg.viewBox.baseVal;
    var drag = null;
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var rect = svg.getBoundingClientRect();
      var scale = event.deltaY < 0 ? 0.85 : 1 / 0.85;
      var px = vb.x + (event.clientX - rect.left) / rect.width * vb.width;
      var py = vb.y + (event.clientY - rect.top) / rect.height * vb.height;
      vb.x = px - (px - vb.x) * scale; vb.y = py - (py - vb.y) * scale;
      vb.width *= scale; vb.height *= scale;
    }, { passive: false });
    svg.addEventListener("pointerdown", function (event) {
      if (event.target.closest && event.target.closest("a")) { return; }
      drag = { x: event.clientX, y: event.clientY };
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      var rect = svg.getBoundingClientRect();
      vb.x -= (event.clientX - drag.x) / rect.width * vb.width;
      vb.y -= (event.clientY - drag.y) / rect.height * vb.height;
      drag = { x: event.clientX, y: event.clientY };
    });
    ["pointerup", "pointerleave"].forEach(function (name) {
      svg.addEventListener(name, function () { drag = null; });
    });
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

  function init() {
    // Material's search overlay is a role="dialog" without a name (axe: aria-dialog-name).
    var search = document.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label")) { search.setAttribute("aria-label", "Search"); }
    markTarget();
    document.querySelectorAll(".kb-global svg").forEach(zoomable);
  }

  window.addEventListener("hashchange", markTarget);
  document.addEventListener("click", svgLinkClick, true);
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
