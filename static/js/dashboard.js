// Dashboard charts, drawn with the portal's own copy of Apache ECharts from the figures the
// server put in <script type="application/json"> next to each chart (the same figures as the
// table beside it). A bar or point with a link opens the figure's drill-down page.
(() => {
  const COLOURS = {
    on_track: "#198754",
    at_risk: "#e0a800",
    delayed: "#dc3545",
    completed: "#0d6efd",
    expected: "#adb5bd",
    "": "#ced4da",
  };
  const PALETTE = ["#0d6efd", "#6f42c1", "#20c997", "#fd7e14", "#d63384", "#0dcaf0"];

  const shorten = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

  // The tooltip built as elements, not as HTML: ECharts' own draws its colour dots as
  // <span style="…">, which the Content-Security-Policy refuses. Names go in as text.
  function tooltip(unit) {
    return (params) => {
      const list = Array.isArray(params) ? params : [params];
      const box = document.createElement("div");
      if (!list.length) return box;
      const head = document.createElement("div");
      head.className = "chart-tip-head";
      head.textContent = String(list[0].axisValueLabel ?? list[0].name ?? "");
      box.append(head);
      list.forEach((p) => {
        const row = document.createElement("div");
        const dot = document.createElement("span");
        dot.className = "chart-tip-dot";
        if (typeof p.color === "string") dot.style.backgroundColor = p.color; // CSSOM: allowed
        const value = p.value === null || p.value === undefined || p.value === "" ? "—" : `${p.value}${unit}`;
        row.append(dot, `${p.seriesName}: ${value}`);
        box.append(row);
      });
      return box;
    };
  }

  function bars(data, narrow) {
    const horizontal = data.horizontal;
    const category = {
      type: "category",
      data: data.categories,
      inverse: horizontal,
      axisLabel: {
        interval: 0,
        rotate: horizontal || data.categories.length < 5 ? 0 : 30,
        formatter: (v) => shorten(String(v), narrow ? 8 : horizontal ? 14 : 10),
      },
    };
    const value = { type: "value", max: data.max || null, axisLabel: { formatter: `{value}${data.unit === "%" ? "%" : ""}` } };
    return {
      animation: false,
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: tooltip(data.unit === "%" ? "%" : "") },
      legend: { show: data.series.length > 1, top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: data.series.map((s, index) => ({
        name: s.name,
        type: "bar",
        barMaxWidth: 28,
        // status-coloured bars: a neutral legend swatch; "expected" bars: grey
        color: s.status ? (s.status.every((x) => x === "expected") ? COLOURS.expected : "#495057") : undefined,
        data: s.data.map((v, i) => ({
          value: v,
          itemStyle: s.status ? { color: COLOURS[s.status[i]] || PALETTE[index] } : undefined,
        })),
      })),
    };
  }

  function path(data) {
    const series = data.series.map((s, index) => ({
      name: s.name,
      type: "line",
      connectNulls: true,
      symbolSize: 7,
      data: s.data,
      lineStyle: { type: s.dashed ? "dashed" : "solid", width: 2 },
      color: index === 0 ? "#6c757d" : "#0d6efd",
    }));
    if (data.target !== null && series.length) {
      series[0].markLine = {
        symbol: "none",
        label: { formatter: `${data.targetLabel}: ${data.target}${data.unit}`, position: "insideEndTop" },
        lineStyle: { color: "#198754", type: "dotted" },
        data: [{ yAxis: data.target }],
      };
    }
    return {
      animation: false,
      tooltip: { trigger: "axis", formatter: tooltip(data.unit || "") },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.categories, boundaryGap: false },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: `{value}${data.unit === "%" ? "%" : ""}` } },
      series,
    };
  }

  function draw(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    const narrow = element.clientWidth < 420;
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(data.type === "path" ? path(data) : bars(data, narrow));
    if (data.urls && data.urls.length) {
      chart.on("click", (event) => {
        const url = data.urls[event.dataIndex];
        if (url) window.location.assign(url);
      });
      chart.getZr().setCursorStyle("pointer");
    }
    element.dataset.drawn = "true";
    return chart;
  }

  const charts = Array.from(document.querySelectorAll("[data-chart]")).map(draw).filter(Boolean);
  let pending;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => charts.forEach((c) => c.resize()), 150);
  });
  window.addEventListener("beforeprint", () => charts.forEach((c) => c.resize()));

  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
})();
