/* ParkLedger web pages: auto-submitting selectors, htmx CSRF header, ECharts charts.
   No inline scripts: chart data comes from <script type="application/json"> blocks. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function go(url) { if (url) { window.location.href = url; } }

  var charts = [];

  function trendOption(data) {
    return {
      animationDuration: 300,
      color: ["#b8c2d1", "#1d4f91"],
      tooltip: { trigger: "axis" },
      legend: { data: [data.last_year, data.this_year], top: 0 },
      grid: { left: 48, right: 12, top: 32, bottom: 28 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: data.unit },
      series: [
        { name: data.last_year, type: "bar", data: data.last.map(Number), cursor: "pointer" },
        { name: data.this_year, type: "bar", data: data["this"].map(Number), cursor: "pointer" }
      ]
    };
  }

  function funnelOption(stages) {
    return {
      animationDuration: 300,
      color: ["#163d70", "#1d4f91", "#2a62a8", "#3a76bd", "#4f88c9", "#6699d1"],
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + p.value + " / " + p.data.amount; } },
      series: [{
        type: "funnel", sort: "none", left: "8%", width: "84%", top: 8, bottom: 8, minSize: "18%", gap: 2,
        label: { position: "inside", formatter: function (p) { return p.name + " " + p.value; }, color: "#fff" },
        data: stages.map(function (s) { return { name: s.label, value: s.count, amount: s.amount_yi, url: s.url }; })
      }]
    };
  }

  function initCharts(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.ready) { return; }
      var data = readJSON(el.dataset.source);
      if (!data) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      if (el.dataset.chart === "trend") {
        chart.setOption(trendOption(data));
        chart.on("click", function (p) {
          go((p.seriesIndex === 0 ? data.links_last : data.links_this)[p.dataIndex]);
        });
      } else if (el.dataset.chart === "funnel") {
        chart.setOption(funnelOption(data));
        chart.on("click", function (p) { go(p.data && p.data.url); });
      } else if (el.dataset.chart === "line") {
        chart.setOption(lineOption(data));
      }
      el.dataset.ready = "1";
      charts.push(chart);
    });
  }

  function lineOption(data) {
    return {
      animationDuration: 300,
      color: ["#1d4f91", "#c0392b", "#27ae60", "#8e44ad"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 12, top: 32, bottom: 28 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: data.unit },
      series: data.series.map(function (s) { return { name: s.name, type: "line", data: s.values.map(function (v) { return v === null ? null : Number(v); }) }; })
    };
  }

  /* Reference pickers: <input class="picker" data-lookup="/lookup/enterprise/"> gets a <datalist>
     of matching records (value = code, label = name) while the user types. */
  function initPicker(input) {
    if (input.dataset.pickerReady || !input.dataset.lookup) { return; }
    input.dataset.pickerReady = "1";
    var list = document.createElement("datalist");
    list.id = "dl-" + (input.id || input.name);
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    var timer = null;
    var asked = null;
    function refresh() {
      var term = input.value.trim();
      if (term === asked) { return; }
      asked = term;
      fetch(input.dataset.lookup + "?q=" + encodeURIComponent(term), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.results || []).forEach(function (item) {
            var opt = document.createElement("option");
            opt.value = item.value;
            opt.label = item.label;
            opt.textContent = item.label;
            list.appendChild(opt);
          });
          input.dataset.pickerLoaded = String((data.results || []).length);
          list.dispatchEvent(new Event("picker:loaded"));
        })
        .catch(function () { asked = null; });
    }
    var chosen = document.createElement("small");
    chosen.className = "picker-chosen";
    input.parentNode.insertBefore(chosen, list);
    function showChosen() {
      var match = Array.prototype.find.call(list.options, function (o) { return o.value === input.value; });
      chosen.textContent = match ? match.label : "";
    }
    list.addEventListener("picker:loaded", showChosen);
    input.addEventListener("focus", refresh);
    input.addEventListener("change", showChosen);
    input.addEventListener("input", function () { showChosen(); clearTimeout(timer); timer = setTimeout(refresh, 250); });
  }

  /* A button or link with data-busy shows a busy state until the page (or download) answers. */
  function markBusy(el) {
    el.classList.add("is-busy");
    el.setAttribute("aria-busy", "true");
    if (el.dataset.busy) { el.dataset.label = el.textContent; el.textContent = el.dataset.busy; }
    setTimeout(function () {
      el.classList.remove("is-busy");
      el.removeAttribute("aria-busy");
      if (el.dataset.label) { el.textContent = el.dataset.label; }
    }, 15000);
  }

  function clearBusy() {
    document.querySelectorAll(".is-busy").forEach(function (el) {
      el.classList.remove("is-busy");
      el.removeAttribute("aria-busy");
      if (el.dataset.label) { el.textContent = el.dataset.label; }
    });
  }

  onReady(function () {
    document.querySelectorAll("input.picker").forEach(initPicker);
    document.body.addEventListener("htmx:afterRequest", clearBusy);
    document.addEventListener("click", function (ev) {
      var el = ev.target.closest && ev.target.closest("[data-confirm]");
      if (el && !window.confirm(el.dataset.confirm)) { ev.preventDefault(); ev.stopPropagation(); return; }
      var busy = ev.target.closest && ev.target.closest("a[data-busy]");
      if (busy) { markBusy(busy); }
    }, true);
    document.addEventListener("submit", function (ev) {
      var button = ev.target.querySelector("button[data-busy]");
      if (button) { markBusy(button); }
    });
    document.addEventListener("change", function (ev) {
      var el = ev.target;
      if (el.classList && el.classList.contains("auto-submit") && el.form) {
        if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
      }
    });
    document.body.addEventListener("htmx:configRequest", function (ev) {
      ev.detail.headers["X-CSRFToken"] = document.body.dataset.csrf || "";
    });
    initCharts(document);
    if (window.htmx) { window.htmx.onLoad(function (el) { initCharts(el); }); }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
