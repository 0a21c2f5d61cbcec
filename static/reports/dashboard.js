// Charts of the reports page. Each canvas names the JSON block (a <script type="application/json">
// written by the server) it is drawn from; the table beneath it holds the same figures.
(function () {
  "use strict";

  const PALETTE = ["#1f5fbf", "#d9822b", "#2f9e44", "#b42318", "#7048e8", "#0c8599", "#868e96"];

  function datasets(spec) {
    return spec.datasets.map((dataset, index) => {
      const colour = PALETTE[index % PALETTE.length];
      return {
        label: dataset.label,
        data: dataset.data,
        borderColor: colour,
        backgroundColor: spec.type === "line" ? colour + "33" : colour + "cc",
        borderWidth: spec.type === "line" ? 2 : 0,
        pointRadius: spec.type === "line" ? 2 : 0,
        spanGaps: true,
        tension: 0.2,
      };
    });
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") return;
    const spec = JSON.parse(source.textContent);
    const values = {
      beginAtZero: true,
      stacked: spec.stacked,
      title: { display: Boolean(spec.axis), text: spec.axis },
    };
    if (spec.axis === "%") values.suggestedMax = 100;
    const categories = { stacked: spec.stacked, ticks: { autoSkip: true, maxRotation: 0 } };
    canvas.chart = new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: spec.horizontal ? { x: values, y: categories } : { x: categories, y: values },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
