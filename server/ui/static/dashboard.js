/* The dashboard's charts (issue 12): each <canvas data-chart="ID"> is drawn with Chart.js
   (vendor/chart.umd.min.js, from npm) from the JSON in <script type="application/json" id="ID">,
   which the server made from the table's shown cells (suppressed cells are gaps). A target is
   a dashed line; a commune far from the rest of the area (indicator 4) has a dark red border.
   Drawn on load, destroyed before htmx swaps the dashboard out and drawn again once the new
   one is in (the filters); nothing else. */
(function () {
  "use strict";
  var COLOURS = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be185d", "#0e7490", "#4d7c0f",
                 "#9f1239"];
  var HIGHLIGHT = "#7f1d1d";

  function datasets(spec) {
    var found = spec.datasets.map(function (set, i) {
      var colour = COLOURS[i % COLOURS.length];
      var highlight = set.highlight || [];
      return {
        type: "bar", label: set.label, data: set.data, backgroundColor: colour,
        borderColor: set.data.map(function (_, j) { return highlight[j] ? HIGHLIGHT : colour; }),
        borderWidth: set.data.map(function (_, j) { return highlight[j] ? 4 : 0; })
      };
    });
    if (spec.target !== null && spec.target !== undefined) {
      found.push({
        type: "line", label: spec.targetLabel, data: spec.labels.map(function () { return spec.target; }),
        borderColor: "#b91c1c", borderDash: [6, 4], borderWidth: 2, pointRadius: 0, fill: false
      });
    }
    return found;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || !window.Chart || Chart.getChart(canvas)) { return; }
    var spec = JSON.parse(source.textContent);
    var y = { beginAtZero: true, stacked: spec.stacked };
    if (spec.percent) { y.suggestedMax = 100; }
    new Chart(canvas, {
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: spec.stacked }, y: y },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  /* charts about to be swapped out are destroyed first (their resize observers go too) */
  function destroyAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = window.Chart && Chart.getChart(canvas);
      if (chart) { chart.destroy(); }
    });
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:beforeSwap", destroyAll);
  document.addEventListener("htmx:afterSettle", drawAll);
}());
