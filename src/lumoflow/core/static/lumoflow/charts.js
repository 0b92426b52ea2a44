/* Charts in pages: draw each <figure data-chart> with vega-embed.
 *
 * The figure carries its Vega-Lite spec in a <script type="application/json"> (the element whose
 * id is in data-chart) and a static SVG drawn on the server. The chart libraries (vega, vega-lite,
 * vega-embed, served from static/vendor/) are loaded only on pages that have a chart; their
 * addresses come from this script's data attributes. Expressions run through Vega's interpreter
 * (ast: true), so the page's Content-Security-Policy needs no 'unsafe-eval', and nothing adds a
 * <style> element (the tooltip's look is in app.css). The static SVG stays when anything fails.
 */
(function () {
  "use strict";
  var me = document.currentScript;
  var loading = null;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }

  function libraries() {
    if (!loading) {
      var urls = me.dataset;
      loading = load(urls.vega)
        .then(function () { return load(urls.vegaLite); })
        .then(function () { return load(urls.vegaEmbed); });
    }
    return loading;
  }

  function draw(figure) {
    var spec = JSON.parse(document.getElementById(figure.dataset.chart).textContent);
    var view = figure.querySelector(".chart-view");
    // on a column narrower than the drawing (a phone), fit the chart to it: text keeps its
    // size instead of shrinking with a scaled-down picture
    if (typeof spec.width === "number" && view.clientWidth && view.clientWidth < spec.width) {
      spec.width = view.clientWidth;
      spec.autosize = { type: "fit-x", contains: "padding" };
    }
    var live = document.createElement("div");
    live.className = "chart-live";
    live.hidden = true;
    view.appendChild(live);
    return window.vegaEmbed(live, spec, {
      ast: true,
      actions: false,
      renderer: "svg",
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
    }).then(function (result) {
      var svg = live.querySelector("svg");
      if (svg) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-labelledby", figure.id + "-caption");
      }
      Array.prototype.slice.call(view.children).forEach(function (child) {
        if (child !== live) view.removeChild(child);
      });
      live.hidden = false;
      figure.classList.add("chart-drawn");
      return result;
    });
  }

  function drawAll(root) {
    var figures = Array.prototype.filter.call(
      (root || document).querySelectorAll("figure[data-chart]"),
      function (f) { return !f.hasAttribute("data-chart-started"); }
    );
    if (!figures.length) return;
    figures.forEach(function (f) { f.setAttribute("data-chart-started", ""); });
    libraries()
      .then(function () { return Promise.all(figures.map(draw)); })
      .catch(function (err) { console.error("Charts stay as static images:", err); });
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (e) { drawAll(e.target); });
})();
