/* County explorer page (analysis.present.explore.page): plain JavaScript over Plotly.
   Data: the JSON in <script id="explore-data"> written by analysis.present.explore.export.
   No request leaves the page: Plotly is loaded from ./assets, maps are drawn as polygons
   on cartesian axes (no base-map tiles or topojson). Every label comes from D.labels. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("explore-data").textContent);
  var st = { lang: D.lang, ind: D.defaults.indicator, year: null, level: D.levels[0], code: D.defaults.code };
  var BLUE = "#0072B2", ORANGE = "#E69F00", SKY = "#56B4E9", RED = "#D55E00", GREY = "#999999";
  var SCALE = [[0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1, "#08306b"]];
  var byCode = {};
  D.regions.forEach(function (r, i) { byCode[r.code] = i; });
  var indById = {};
  D.indicators.forEach(function (x) { indById[x.id] = x; });

  function L(key) { return D.labels[st.lang][key] || key; }
  function $(id) { return document.getElementById(id); }
  function name(i) { return D.regions[i].name[st.lang]; }
  /* text for Plotly, which reads a few HTML tags in labels: names from data as entities
     (Plotly shows &amp; &lt; &gt; as the characters); the DOM is filled with textContent */
  function P(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  // Chinese text takes full-width punctuation (GB/T 15834-2011): a colon, a bracketed aside
  function colon() { return st.lang === "zh" ? "\uff1a" : ": "; }
  function paren(s) { return st.lang === "zh" ? "\uff08" + s + "\uff09" : " (" + s + ")"; }
  function fmt(v) {
    if (v === null || v === undefined) { return L("no_data"); }
    var r = Math.round(v * 100) / 100;
    return (r === 0 ? 0 : r).toString();
  }
  function ind() { return indById[st.ind]; }
  function years() {
    return Object.keys(D.values[st.ind] || {}).map(Number).sort(function (a, b) { return a - b; });
  }
  function levelRegions(level) {
    var out = [];
    D.regions.forEach(function (r, i) { if (r.level === level) { out.push(i); } });
    return out;
  }
  function levelsWithData() {
    var row = D.values[st.ind][String(st.year)] || [];
    return D.levels.filter(function (lv) {
      return levelRegions(lv).some(function (i) { return row[i] !== null && row[i] !== undefined; });
    });
  }

  /* one row per region of the level: value, rank (1 = best, ties share the best rank), gap */
  function rows() {
    var row = D.values[st.ind][String(st.year)] || [];
    var x = ind(), sign = x.direction === "lower" ? -1 : 1;
    var out = levelRegions(st.level).map(function (i) {
      var v = row[i];
      v = v === undefined ? null : v;
      var gap = null;
      if (v !== null && x.standard !== null) {
        gap = Math.max(0, sign > 0 ? x.standard - v : v - x.standard);
      }
      return { i: i, code: D.regions[i].code, value: v, gap: gap, rank: null };
    });
    var have = out.filter(function (r) { return r.value !== null; });
    have.forEach(function (r) {
      r.rank = 1 + have.filter(function (o) { return o.value * sign > r.value * sign; }).length;
    });
    out.sort(function (a, b) {
      if (a.rank === null) { return b.rank === null ? a.code.localeCompare(b.code) : 1; }
      if (b.rank === null) { return -1; }
      return a.rank - b.rank || a.code.localeCompare(b.code);
    });
    return out;
  }

  function option(sel, value, text) {
    var o = document.createElement("option");
    o.value = value; o.textContent = text; sel.appendChild(o);
  }
  function fillControls() {
    var s = $("indicator"); s.innerHTML = "";
    D.indicators.forEach(function (x) { option(s, x.id, x.label[st.lang]); });
    s.value = st.ind;
    var ys = years();
    if (st.year === null || ys.indexOf(st.year) < 0) { st.year = ys[ys.length - 1]; }
    s = $("year"); s.innerHTML = "";
    ys.forEach(function (y) { option(s, String(y), String(y)); });
    s.value = String(st.year);
    var lvs = D.levels;  // every level from the first load, with or without values
    if (lvs.indexOf(st.level) < 0) { st.level = D.levels[0]; }
    s = $("level"); s.innerHTML = "";
    lvs.forEach(function (lv) { option(s, lv, L("level_" + lv)); });
    s.value = st.level;
    var regs = levelRegions(st.level);
    if (!regs.some(function (i) { return D.regions[i].code === st.code; })) {
      st.code = D.regions[regs[0]].code;
    }
    s = $("county"); s.innerHTML = "";
    regs.forEach(function (i) { option(s, D.regions[i].code, name(i)); });
    s.value = st.code;
  }
  function fillLabels() {
    document.documentElement.lang = st.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-l]").forEach(function (el) { el.textContent = L(el.getAttribute("data-l")); });
    document.title = L("title");
    // the region picker is named after the level shown
    document.querySelectorAll('[data-l="county"]').forEach(function (el) { el.textContent = L("level_" + st.level); });
  }

  var CFG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["toImage", "lasso2d", "select2d"] };
  var FONT = { family: "Noto Sans CJK SC Page, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif", size: 12 };

  function colour(t) {
    var k = 0;
    while (k < SCALE.length - 2 && t > SCALE[k + 1][0]) { k++; }
    var a = SCALE[k], b = SCALE[k + 1], u = (t - a[0]) / (b[0] - a[0]);
    function ch(h, j) { return parseInt(h.substr(1 + 2 * j, 2), 16); }
    var c = [0, 1, 2].map(function (j) { return Math.round(ch(a[1], j) + u * (ch(b[1], j) - ch(a[1], j))); });
    return "rgb(" + c.join(",") + ")";
  }

  function drawMap(rs) {
    var el = $("map");
    // units from the map file; a level above them as the union of its units' polygons
    var unit = rs.some(function (r) { return D.geo[r.code]; });
    $("map-missing").style.display = unit ? "none" : "block";
    el.style.display = unit ? "block" : "none";
    if (!unit) { Plotly.purge(el); return; }
    var vals = rs.filter(function (r) { return r.value !== null; }).map(function (r) { return r.value; });
    var lo = vals.length ? Math.min.apply(null, vals) : 0, hi = vals.length ? Math.max.apply(null, vals) : 1;
    var traces = [], codes = [];
    rs.forEach(function (r) {
      var rings = D.geo[r.code];
      if (!rings) { return; }
      var t = hi > lo ? (r.value - lo) / (hi - lo) : 0.5;
      var text = P(name(r.i) + colon() + fmt(r.value) + " " + ind().unit[st.lang]);
      rings.forEach(function (ring) {
        traces.push({
          type: "scatter", mode: "lines", fill: "toself", hoveron: "fills",
          x: ring.map(function (p) { return p[0]; }), y: ring.map(function (p) { return p[1]; }),
          fillcolor: r.value === null ? "#dddddd" : colour(t),
          line: { color: r.code === st.code ? ORANGE : "#ffffff", width: r.code === st.code ? 3 : 1 },
          text: text, hoverinfo: "text", showlegend: false, name: P(r.code)
        });
        codes.push(r.code);
      });
    });
    traces.push({
      type: "scatter", mode: "markers", x: [null], y: [null], hoverinfo: "skip", showlegend: false,
      marker: { color: [lo, hi], cmin: lo, cmax: hi, colorscale: SCALE, showscale: true,
        colorbar: { title: { text: P(ind().unit[st.lang]) }, thickness: 12 } }
    });
    codes.push(null);
    var mid = 0;
    var ys = [];
    Object.keys(D.geo).forEach(function (c) { D.geo[c].forEach(function (ring) { ring.forEach(function (p) { ys.push(p[1]); }); }); });
    mid = (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2;
    Plotly.react(el, traces, {
      font: FONT, margin: { l: 10, r: 10, t: 30, b: 10 }, height: 420, hovermode: "closest",
      title: { text: P(L("map_title_level").split("{level}").join(L("level_" + st.level))), x: 0, font: { size: 13 } },
      xaxis: { visible: false }, yaxis: { visible: false, scaleanchor: "x", scaleratio: 1 / Math.cos(mid * Math.PI / 180) },
      plot_bgcolor: "#ffffff"
    }, CFG);
    el.removeAllListeners && el.removeAllListeners("plotly_click");
    el.on("plotly_click", function (ev) { var c = codes[ev.points[0].curveNumber]; if (c) { select(c); } });
  }

  function drawBar(rs) {
    var el = $("bar");
    var have = rs.filter(function (r) { return r.value !== null; }).slice().reverse();
    var x = ind();
    var shapes = [], ann = [];
    if (x.standard !== null) {
      shapes.push({ type: "line", x0: x.standard, x1: x.standard, yref: "paper", y0: 0, y1: 1, line: { color: "#000", dash: "dash", width: 1.5 } });
      ann.push({ x: x.standard, yref: "paper", y: 1, text: P(L("standard") + " " + fmt(x.standard)), showarrow: false, yanchor: "bottom", font: { size: 11 } });
    }
    Plotly.react(el, [{
      type: "bar", orientation: "h", x: have.map(function (r) { return r.value; }),
      y: have.map(function (r) { return P(name(r.i)); }), customdata: have.map(function (r) { return r.code; }),
      text: have.map(function (r) { return fmt(r.value); }), textposition: "outside", cliponaxis: false,
      marker: { color: have.map(function (r) { return r.code === st.code ? ORANGE : BLUE; }) },
      hovertemplate: "%{y}: %{text}<extra></extra>"
    }], {
      font: FONT, height: Math.max(260, 60 + 18 * have.length), margin: { l: 120, r: 40, t: 40, b: 40 },
      title: { text: P(x.name[st.lang] + paren(st.year)), x: 0, font: { size: 13 } },
      xaxis: { title: { text: P(x.label[st.lang]) }, rangemode: "tozero" }, yaxis: { automargin: true },
      shapes: shapes, annotations: ann
    }, CFG);
    el.removeAllListeners && el.removeAllListeners("plotly_click");
    el.on("plotly_click", function (ev) { select(ev.points[0].customdata); });
  }

  function series(code) {
    var i = byCode[code], out = [];
    years().forEach(function (y) {
      var v = (D.values[st.ind][String(y)] || [])[i];
      if (v !== null && v !== undefined) { out.push([y, v]); }
    });
    return out;
  }

  function drawTrend() {
    var el = $("trend"), x = ind();
    var f = (D.fan[st.ind] || {})[st.code];
    var traces = [];
    var up = D.regions[byCode[st.code]].parent;
    if (up && byCode[up] !== undefined && up !== st.code) {
      var u = series(up);
      if (u.length) {
        traces.push({ type: "scatter", mode: "lines+markers", name: P(name(byCode[up]) + paren(L("upper_region"))),
          x: u.map(function (p) { return p[0]; }), y: u.map(function (p) { return p[1]; }), line: { color: GREY, width: 1 } });
      }
    }
    if (f) {
      var h = f.history, fc = f.forecast, last = h[h.length - 1];
      var fx = [last[0]].concat(fc.year);
      function ext(c) { return [last[1]].concat(fc[c]); }
      traces.push({ type: "scatter", mode: "lines", x: fx, y: ext("lo95"), line: { width: 0 }, hoverinfo: "skip", showlegend: false });
      traces.push({ type: "scatter", mode: "lines", x: fx, y: ext("hi95"), fill: "tonexty", fillcolor: "rgba(86,180,233,0.25)", line: { width: 0 }, name: P(L("pi95")) });
      traces.push({ type: "scatter", mode: "lines", x: fx, y: ext("lo80"), line: { width: 0 }, hoverinfo: "skip", showlegend: false });
      traces.push({ type: "scatter", mode: "lines", x: fx, y: ext("hi80"), fill: "tonexty", fillcolor: "rgba(86,180,233,0.55)", line: { width: 0 }, name: P(L("pi80")) });
      traces.push({ type: "scatter", mode: "lines", x: fx, y: ext("mean"), line: { color: BLUE, dash: "dash" }, name: P(L("projection")) });
      if (f.target) {  // drawn before the observed values, so it never hides one of them
        traces.push({ type: "scatter", mode: "markers", x: [f.target[0]], y: [f.target[1]], marker: { symbol: "star", size: 14, color: RED },
          name: P(L("target") + paren(f.target[0] + colon() + fmt(f.target[1]))) });
      }
      var seen = series(st.code);  // every observed year, those after the projection's base too
      if (!seen.length) { seen = h; }
      traces.push({ type: "scatter", mode: "lines+markers", x: seen.map(function (p) { return p[0]; }), y: seen.map(function (p) { return p[1]; }), line: { color: "#000" }, name: P(name(byCode[st.code]) + " " + L("observed")) });
    } else {
      var s = series(st.code);
      traces.push({ type: "scatter", mode: "lines+markers", x: s.map(function (p) { return p[0]; }), y: s.map(function (p) { return p[1]; }), line: { color: "#000" }, name: P(name(byCode[st.code]) + " " + L("observed")) });
    }
    $("trend-note").textContent = f ? "" : L("trend_plain");
    Plotly.react(el, traces, {
      font: FONT, height: 360, margin: { l: 60, r: 10, t: 40, b: 40 },
      // the unit in the title (the label with its unit), no rotated axis title to clip
      title: { text: P(name(byCode[st.code]) + colon() + x.label[st.lang]), x: 0, font: { size: 13 } },
      xaxis: { dtick: 1 }, yaxis: { automargin: true }, legend: { orientation: "h", y: -0.15 },
      shapes: [{ type: "line", xref: "x", x0: st.year, x1: st.year, yref: "paper", y0: 0, y1: 1, line: { color: "#bbb", width: 1 } }]
    }, CFG);
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td"); td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td); return td;
  }
  function head(table, cols) {
    var tr = document.createElement("tr");
    cols.forEach(function (c) { var th = document.createElement("th"); th.textContent = c; tr.appendChild(th); });
    var th = document.createElement("thead"); th.appendChild(tr); table.appendChild(th);
  }
  function note() { return ind().illustrative ? L("illustrative") : ""; }
  /* the titles of the indicator's illustrative sources, as the data set's sources.csv has them */
  function sourceTitles() {
    return (ind().sources || []).map(function (id) { return (D.sources[id] || {})[st.lang] || id; })
      .join(st.lang === "zh" ? "\uff1b" : "; ");
  }

  function drawTable(rs) {
    var t = $("table"); t.innerHTML = "";
    head(t, [L("code"), L("region"), L("value"), L("rank"), L("gap"), L("note")]);
    var body = document.createElement("tbody");
    rs.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-code", r.code);
      if (r.code === st.code) { tr.className = "sel"; }
      cell(tr, r.code); cell(tr, name(r.i)); cell(tr, fmt(r.value), "v");
      cell(tr, r.rank === null ? "" : String(r.rank), "r"); cell(tr, r.gap === null ? "" : fmt(r.gap), "g");
      cell(tr, note(), "n");
      tr.addEventListener("click", function () { select(r.code); });
      body.appendChild(tr);
    });
    t.appendChild(body);
    var sel = rs.filter(function (r) { return r.code === st.code; })[0];
    var have = rs.filter(function (r) { return r.value !== null; }).length;
    /* a rank shared by others reads as a tie; all equal: said so, not "first" */
    var shared = sel && sel.rank ? rs.filter(function (r) { return r.rank === sel.rank; }).length : 0;
    var key = shared === have && have > 1 ? "rank_all_equal" : shared > 1 ? "rank_tied" : "rank_of";
    $("selection").textContent = sel ? name(sel.i) + colon() + fmt(sel.value) + " " + ind().unit[st.lang] +
      (sel.rank ? paren(L(key).replace("{rank}", sel.rank).replace("{n}", have)) : "") : "";
    $("selection").setAttribute("data-value", sel && sel.value !== null ? String(sel.value) : "");
  }

  function drawIndex() {
    var box = $("index-box");
    if (!D.index || st.level !== D.levels[0]) { box.style.display = "none"; return; }
    box.style.display = "block";
    $("index-note").textContent = L("index_note").replace("{year}", D.index.year);
    var t = $("index-table"); t.innerHTML = "";
    head(t, [L("rank"), L("region"), L("index"), L("median_rank"), L("rank_range")]);
    var body = document.createElement("tbody");
    D.index.rows.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-code", r.code);
      if (r.code === st.code) { tr.className = "sel"; }
      cell(tr, String(r.rank)); cell(tr, name(byCode[r.code])); cell(tr, fmt(r.index));
      cell(tr, fmt(r.median_rank)); cell(tr, r.best_rank + "–" + r.worst_rank);
      tr.addEventListener("click", function () { select(r.code); });
      body.appendChild(tr);
    });
    t.appendChild(body);
  }

  function csvField(v) {
    var s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function csvText() {
    var x = ind(), lines = [];
    lines.push([L("code"), L("region"), L("level"), L("indicator"), L("unit"), L("year"), L("value"), L("rank"), L("standard"), L("gap"), L("note")].map(csvField).join(","));
    rows().forEach(function (r) {
      lines.push([r.code, name(r.i), L("level_" + st.level), x.name[st.lang], x.unit[st.lang], st.year,
        r.value, r.rank, x.standard, r.gap, note()].map(csvField).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }
  function download() {
    var blob = new Blob([csvText()], { type: "text/csv;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "explore_" + st.ind + "_" + st.year + "_" + st.level + ".csv";
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }

  function render() {
    fillLabels(); fillControls();
    var illus = ind().illustrative;
    $("badge").style.display = illus ? "inline-block" : "none";
    var note = illus ? L("illustrative_note").split("{listed}").join(sourceTitles()) : L("official_note");
    if (levelsWithData().indexOf(st.level) < 0) {
      note += " " + L("level_no_data").split("{level}").join(L("level_" + st.level)).split("{year}").join(st.year);
    }
    $("data-note").textContent = note;
    var rs = rows();
    drawTable(rs); drawBar(rs); drawMap(rs); drawTrend(); drawIndex();
    document.body.setAttribute("data-ready", [st.ind, st.year, st.level, st.code, st.lang].join("|"));
    if (!document.body.hasAttribute("data-ms")) {  /* first render: time since navigation */
      document.body.setAttribute("data-ms", String(Math.round(performance.now())));
    }
  }
  function select(code) { st.code = code; render(); }

  $("indicator").addEventListener("change", function (e) { st.ind = e.target.value; render(); });
  $("year").addEventListener("change", function (e) { st.year = Number(e.target.value); render(); });
  $("level").addEventListener("change", function (e) { st.level = e.target.value; render(); });
  $("county").addEventListener("change", function (e) { select(e.target.value); });
  $("lang").addEventListener("click", function () { st.lang = st.lang === "zh" ? "en" : "zh"; render(); });
  $("download").addEventListener("click", download);
  window.explorer = { state: st, csvText: csvText, rows: rows, select: select };
  render();
})();
