// The monthly dashboard's charts, drawn with the vendored ECharts from the figures the
// page carries (the same figures as its tables, its Excel and its PDF).
(function () {
  var data = JSON.parse(document.getElementById("pack-charts").textContent);
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return;
    var c = echarts.init(el, null, { renderer: "svg" });
    c.setOption(Object.assign({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 40, right: 16, top: 30, bottom: 40 } }, option));
    el.dataset.ready = "1";
    window.addEventListener("resize", function () { c.resize(); });
  }
  var names = Object.keys(data.trend.series);
  chart("chart-trend", {
    legend: { top: 0 },
    xAxis: { type: "category", data: data.trend.months },
    yAxis: { type: "value" },
    series: names.map(function (n) { return { name: n, type: "line", data: data.trend.series[n] }; }),
  });
  chart("chart-on-time", {
    xAxis: { type: "category", data: data.on_time.map(function (r) { return r[0]; }), axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { type: "value", max: 100 },
    series: [{ type: "bar", data: data.on_time.map(function (r) { return r[1]; }), markLine: { data: [{ yAxis: 100 }] } }],
  });
  chart("chart-categories", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: "65%", data: data.categories.map(function (r) { return { name: r[0], value: r[1] }; }) }],
  });
  var techEl = document.getElementById("chart-technicians");
  chart("chart-technicians", {
    legend: { top: 0 },
    xAxis: { type: "category", data: data.technicians.map(function (r) { return r[0]; }), axisLabel: { interval: 0, rotate: 20 } },
    yAxis: [{ type: "value" }, { type: "value", max: 100 }],
    series: [
      { name: techEl ? techEl.dataset.jobs : "", type: "bar", data: data.technicians.map(function (r) { return r[1]; }) },
      { name: techEl ? techEl.dataset.onTime : "", type: "line", yAxisIndex: 1, data: data.technicians.map(function (r) { return r[2]; }) },
    ],
  });
})();
