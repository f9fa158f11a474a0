// Charts of the dashboard (ECharts, vendored). The data comes from the json_script block
// #dashboard-data; every chart has a plain table beside it, so nothing here is the only copy.
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  var palette = ["#b5121b", "#d98e04", "#2f6f9f", "#6c757d", "#198754"];
  var charts = [];

  function base() {
    return {
      color: palette,
      animation: false,
      textStyle: { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" },
      tooltip: { trigger: "axis", confine: true },
      grid: { left: 36, right: 12, top: 36, bottom: 28, containLabel: true },
    };
  }

  var builders = {
    activities: function () {
      var option = base();
      // On a phone the legend takes two lines: below the bars it cannot cover the axis title.
      if (window.innerWidth < 576) {
        option.legend = { bottom: 0, type: "scroll" };
        option.grid.bottom = 40;
      } else {
        option.legend = { top: 0 };
      }
      option.xAxis = { type: "category", data: labels.months };
      option.yAxis = { type: "value", minInterval: 1, name: labels.activities };
      option.series = Object.keys(data.groups).map(function (group) {
        return { name: labels.groups[group], type: "bar", stack: "groups", data: data.groups[group] };
      });
      return option;
    },
    attendance: function () {
      var option = base();
      option.xAxis = { type: "category", data: labels.months };
      option.yAxis = { type: "value", min: 0, max: 100, name: labels.attendance };
      option.series = [
        {
          name: labels.attendance,
          type: "line",
          connectNulls: false,
          data: data.attendance,
          label: { show: window.innerWidth >= 576, formatter: "{c}", fontSize: 10 },
        },
      ];
      return option;
    },
    rectification: function () {
      var option = base();
      option.tooltip = { trigger: "item", confine: true };
      option.legend = { bottom: 0, type: "scroll" };
      option.series = [
        {
          name: labels.items,
          type: "pie",
          radius: ["35%", "65%"],
          center: ["50%", "45%"],
          label: { formatter: "{b}: {c}" },
          data: Object.keys(data.rectification).map(function (status) {
            return { name: labels.rectification[status], value: data.rectification[status] };
          }),
        },
      ];
      return option;
    },
  };

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var build = builders[element.dataset.chart];
    if (!build) {
      return;
    }
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(build());
    element.dataset.rendered = "true";
    charts.push(chart);
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });

  // After an in-place review the row stays, marked; the count above the queue follows it. The page
  // lists the first records only, so the count is the total less the rows reviewed here.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var row = event.detail.target;
    if (!row || !row.classList || !row.classList.contains("queue-row")) {
      return;
    }
    var counter = document.getElementById("queue-count");
    if (!counter) {
      return;
    }
    var total = Number(counter.getAttribute("data-total"));
    var reviewed = document.querySelectorAll(".queue-row:not([data-status='submitted'])").length;
    counter.textContent = String(Math.max(total - reviewed, 0));
  });
})();
