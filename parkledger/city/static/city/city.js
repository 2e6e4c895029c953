/* The city pages: an indicator filter for the key picker, ranking bars and a scatter of two
   indicators. No inline scripts: the data comes from <script type="application/json"> blocks. */
(function () {
  "use strict";

  function data(el) {
    var source = document.getElementById(el.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }

  function rankOption(d) {
    var pairs = d.parks.map(function (name, i) { return [name, d.values[i] === null ? null : Number(d.values[i])]; })
      .filter(function (p) { return p[1] !== null; })
      .sort(function (a, b) { return a[1] - b[1]; });
    return {
      animationDuration: 300, color: ["#1d4f91"], tooltip: { trigger: "axis" },
      grid: { left: 110, right: 40, top: 10, bottom: 24 },
      xAxis: { type: "value", name: d.unit },
      yAxis: { type: "category", data: pairs.map(function (p) { return p[0]; }) },
      series: [{ type: "bar", data: pairs.map(function (p) { return p[1]; }), label: { show: true, position: "right" } }]
    };
  }

  function scatterOption(d) {
    return {
      animationDuration: 300, color: ["#c0392b"],
      tooltip: { formatter: function (p) { return p.data[2] + "<br>" + d.x + "：" + p.data[0] + "<br>" + d.y + "：" + p.data[1]; } },
      grid: { left: 56, right: 24, top: 24, bottom: 40 },
      xAxis: { type: "value", name: d.x, nameLocation: "middle", nameGap: 26, scale: true },
      yAxis: { type: "value", name: d.y, scale: true },
      series: [{ type: "scatter", symbolSize: 14,
        data: d.points.filter(function (p) { return p.x !== null && p.y !== null; })
          .map(function (p) { return [Number(p.x), Number(p.y), p.name]; }),
        label: { show: true, position: "top", formatter: function (p) { return p.data[2]; } } }]
    };
  }

  function initCharts() {
    if (typeof echarts === "undefined") { return; }
    var charts = [];
    document.querySelectorAll("[data-city-chart]").forEach(function (el) {
      var d = data(el);
      if (!d) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(el.dataset.cityChart === "rank" ? rankOption(d) : scatterOption(d));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  function initKeyFilter() {
    document.querySelectorAll("[data-key-filter]").forEach(function (input) {
      var select = document.querySelector(input.dataset.keyFilter);
      if (!select) { return; }
      input.addEventListener("input", function () {
        var q = input.value.trim();
        select.querySelectorAll("option").forEach(function (opt) {
          opt.hidden = q !== "" && opt.textContent.indexOf(q) === -1 && !opt.selected;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { initKeyFilter(); initCharts(); });
})();
