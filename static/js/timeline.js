/* Patient timeline charts: signed level of care and the six ratings over time (Chart.js). */
(function () {
  "use strict";
  var series = JSON.parse(document.getElementById("timeline-series").textContent);
  var levels = JSON.parse(document.getElementById("timeline-levels").textContent);
  if (!window.Chart || !series.dates.length) { return; }
  new window.Chart(document.getElementById("level-chart"), {
    type: "line",
    data: { labels: series.dates, datasets: [{ label: "Level of care", data: series.levels, stepped: true, borderColor: "#0d6efd" }] },
    options: {
      animation: false,
      scales: { y: { min: 0, max: levels.length - 1, ticks: { stepSize: 1, callback: function (v) { return levels[v]; } } } },
      plugins: { tooltip: { callbacks: { label: function (ctx) { return "Level " + series.level_codes[ctx.dataIndex]; } } } }
    }
  });
  var colours = ["#0d6efd", "#6f42c1", "#d63384", "#fd7e14", "#198754", "#20c997"];
  var datasets = Object.keys(series.ratings).map(function (code, i) {
    return { label: code, data: series.ratings[code], borderColor: colours[i % colours.length] };
  });
  var ratingsChart = document.getElementById("ratings-chart");
  if (!ratingsChart) { return; }  // 4th edition: codes, not a 0-4 scale, so no ratings chart
  new window.Chart(ratingsChart, {
    type: "line",
    data: { labels: series.dates, datasets: datasets },
    options: { animation: false, scales: { y: { min: 0, max: 4, ticks: { stepSize: 1 } } } }
  });
})();
