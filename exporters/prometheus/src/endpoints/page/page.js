// The live page: scrapes `metrics` every second, keeps five minutes of
// snapshots in memory, and draws one chart per family. Rates, error ratios
// and quantiles are computed here from successive scrapes, the way PromQL's
// `rate` and `histogram_quantile` compute them from stored ones.
"use strict";

const INTERVAL_MS = 1000;
const KEEP_MS = 5 * 60 * 1000;
// Rates and quantiles cover this window (or all snapshots, while fewer).
const RATE_WINDOW_MS = 30 * 1000;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
// Labels naming what a request did, per family: rows of the tables.
const GROUP_LABELS = ["route", "grpc_method", "method", "path", "handler", "endpoint", "operation", "job"];
// Labels telling whether a request failed.
const STATUS_LABELS = ["status", "code", "status_code", "grpc_code", "outcome", "result"];
const MAX_LINES = 6;

const snapshots = [];
let token = sessionStorage.getItem("vitals-token") || "";

function $(id) { return document.getElementById(id); }

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function svgElement(tag, attributes) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

const problems = new Map();
function problem(source, text) {
  if (text) problems.set(source, text); else problems.delete(source);
  const banner = $("problems");
  banner.textContent = [...problems.values()].join(" · ");
  banner.hidden = problems.size === 0;
}
window.addEventListener("error", (event) => problem("script", "page error: " + event.message));

async function fetchText(path) {
  const headers = token ? { Authorization: "Bearer " + token } : {};
  const response = await fetch(path, { headers, cache: "no-store" });
  if (response.status === 401) {
    $("token-form").hidden = false;
    throw new Error(path + " needs the bearer token");
  }
  return { status: response.status, text: await response.text() };
}

// --- the exposition ----------------------------------------------------

function parseLabels(text) {
  const labels = {};
  const pattern = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    labels[match[1]] = match[2].replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
  }
  return labels;
}

function parseValue(text) {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text);
}

// Families by name: {type, help, samples: [{name, labels, value}]}.
function parseExposition(text) {
  const families = new Map();
  const family = (name) => {
    if (!families.has(name)) families.set(name, { name, type: "untyped", help: "", samples: [] });
    return families.get(name);
  };
  const owner = (sample) => {
    if (families.has(sample)) return families.get(sample);
    for (const suffix of ["_bucket", "_count", "_sum", "_total", "_created", "_info"]) {
      const base = sample.endsWith(suffix) ? sample.slice(0, -suffix.length) : null;
      if (base && families.has(base)) return families.get(base);
    }
    return family(sample);
  };
  for (const line of text.split("\n")) {
    if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
      const rest = line.slice(7);
      const space = rest.indexOf(" ");
      const name = space < 0 ? rest : rest.slice(0, space);
      const value = space < 0 ? "" : rest.slice(space + 1);
      if (line[2] === "H") family(name).help = value; else family(name).type = value;
      continue;
    }
    if (line === "" || line.startsWith("#")) continue;
    const brace = line.indexOf("{");
    const space = line.indexOf(" ");
    let name, labels = {}, rest;
    if (brace >= 0 && brace < space) {
      const close = line.lastIndexOf("}");
      name = line.slice(0, brace);
      labels = parseLabels(line.slice(brace + 1, close));
      rest = line.slice(close + 1).trim();
    } else {
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    owner(name).samples.push({ name, labels, value: parseValue(rest.split(/\s+/)[0]) });
  }
  return families;
}

// --- arithmetic ----------------------------------------------------------

function key(labels, except) {
  return Object.keys(labels).filter((l) => !except.includes(l)).sort()
    .map((l) => l + "=" + labels[l]).join(",");
}

function groupLabel(family) {
  const present = new Set(family.samples.flatMap((s) => Object.keys(s.labels)));
  return GROUP_LABELS.find((label) => present.has(label));
}

function statusLabel(family) {
  const present = new Set(family.samples.flatMap((s) => Object.keys(s.labels)));
  return STATUS_LABELS.find((label) => present.has(label));
}

function isError(value) {
  const v = String(value).toLowerCase();
  if (/^[0-9]{3}$/.test(v)) return v[0] === "5";
  if (v === "5xx") return true;
  return ["error", "failure", "failed", "internal", "unavailable", "unknown", "deadlineexceeded",
    "deadline_exceeded", "dataloss", "data_loss", "unimplemented"].includes(v);
}

// The snapshot closest to `window` milliseconds before snapshot `index`.
function before(index, window) {
  const target = snapshots[index].time - window;
  let earlier = 0;
  while (earlier < index - 1 && snapshots[earlier + 1].time <= target) earlier++;
  return earlier;
}

// Sums of `select(sample)` per group over the samples of family `name`
// matching `filter`, in snapshot `index`.
function sums(index, name, filter, group) {
  const family = snapshots[index].families.get(name);
  const totals = new Map();
  if (!family) return totals;
  for (const sample of family.samples) {
    if (!filter(sample)) continue;
    const row = group ? sample.labels[group] || "" : "all";
    totals.set(row, (totals.get(row) || 0) + sample.value);
  }
  return totals;
}

// Per-second increase between two values of a counter, as `rate` does:
// a drop means a restart, after which the new value is the increase.
function increase(now, then) {
  return now >= then ? now - then : now;
}

// Prometheus' `histogram_quantile`: `buckets` are [upper bound, cumulative
// count] with `+Inf` last. Linear interpolation inside the bucket holding the
// rank; the lowest bucket starts at 0; a rank in `+Inf` answers the highest
// finite bound.
function histogramQuantile(q, buckets) {
  buckets = buckets.slice().sort((a, b) => a[0] - b[0]);
  if (buckets.length < 2 || buckets[buckets.length - 1][0] !== Infinity) return NaN;
  const total = buckets[buckets.length - 1][1];
  if (!(total > 0)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * total;
  let i = buckets.findIndex(([, count]) => count >= rank);
  if (i === buckets.length - 1) return buckets[buckets.length - 2][0];
  if (i === 0 && buckets[0][0] <= 0) return buckets[0][0];
  const lower = i === 0 ? 0 : buckets[i - 1][0];
  const below = i === 0 ? 0 : buckets[i - 1][1];
  const upper = buckets[i][0];
  const inside = buckets[i][1] - below;
  return inside > 0 ? lower + (upper - lower) * ((rank - below) / inside) : upper;
}

// Bucket increases per group of histogram `name` between snapshots.
function bucketIncreases(name, then, now, group) {
  const collect = (index) => {
    const family = snapshots[index].families.get(name);
    const rows = new Map();
    for (const sample of family ? family.samples : []) {
      if (!sample.name.endsWith("_bucket")) continue;
      const row = group ? sample.labels[group] || "" : "all";
      const le = parseValue(sample.labels.le);
      const seriesKey = key(sample.labels, []);
      if (!rows.has(row)) rows.set(row, new Map());
      rows.get(row).set(seriesKey, [le, sample.value]);
    }
    return rows;
  };
  const past = collect(then);
  const result = new Map();
  for (const [row, series] of collect(now)) {
    const perBound = new Map();
    for (const [seriesKey, [le, count]] of series) {
      const old = past.get(row) && past.get(row).get(seriesKey);
      perBound.set(le, (perBound.get(le) || 0) + increase(count, old ? old[1] : 0));
    }
    result.set(row, [...perBound.entries()]);
  }
  return result;
}

// --- charts ----------------------------------------------------------------

function format(value, unit) {
  if (!Number.isFinite(value)) return "–";
  if (unit === "%") return (value * 100).toFixed(1) + "%";
  if (unit === "s") {
    if (value < 1e-3) return (value * 1e6).toFixed(0) + "µs";
    if (value < 1) return (value * 1e3).toFixed(1) + "ms";
    return value.toFixed(2) + "s";
  }
  const magnitude = Math.abs(value);
  if (magnitude >= 1e9) return (value / 1e9).toFixed(2) + "G";
  if (magnitude >= 1e6) return (value / 1e6).toFixed(2) + "M";
  if (magnitude >= 1e3) return (value / 1e3).toFixed(2) + "k";
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

// `lines`: [{name, points: [[time, value]]}]; non-finite values are gaps.
function lineChart(lines, unit) {
  const svg = svgElement("svg", { viewBox: "0 0 300 100", preserveAspectRatio: "none", role: "img" });
  const finite = lines.flatMap((l) => l.points.map((p) => p[1])).filter(Number.isFinite);
  const top = Math.max(...finite, 0) || 1;
  const bottom = Math.min(...finite, 0);
  const end = snapshots[snapshots.length - 1].time;
  const start = Math.min(snapshots[0].time, end - 60 * 1000);
  const x = (t) => ((t - start) / (end - start || 1)) * 300;
  const y = (v) => 95 - ((v - bottom) / (top - bottom || 1)) * 85;
  for (const level of [bottom, top]) {
    svg.append(svgElement("line", { class: "grid", x1: 0, x2: 300, y1: y(level), y2: y(level) }));
  }
  const label = svgElement("text", { x: 2, y: 8 });
  label.textContent = format(top, unit);
  svg.append(label);
  let drawn = 0;
  lines.forEach((line, index) => {
    const points = line.points.filter((p) => Number.isFinite(p[1]));
    drawn += points.length;
    if (points.length === 0) return;
    svg.append(svgElement("polyline", {
      stroke: COLORS[index % COLORS.length],
      points: points.map(([t, v]) => x(t).toFixed(1) + "," + y(v).toFixed(1)).join(" "),
    }));
  });
  return { svg, drawn };
}

function legend(lines, unit) {
  const box = element("div", { class: "legend" });
  lines.forEach((line, index) => {
    const last = line.points.length ? line.points[line.points.length - 1][1] : NaN;
    const swatch = element("i", { style: "background:" + COLORS[index % COLORS.length] });
    box.append(element("span", {}, swatch, line.name + " " + format(last, unit)));
  });
  return box;
}

function table(header, rows) {
  const head = element("tr", {}, ...header.map((h) => element("th", {}, h)));
  return element("table", {}, head, ...rows.map((r) => element("tr", {}, ...r.map((c) => element("td", {}, c)))));
}

// Top `MAX_LINES` lines by their last value.
function topLines(lines) {
  const last = (l) => { const f = l.points.map((p) => p[1]).filter(Number.isFinite); return f.length ? f[f.length - 1] : -1; };
  return lines.sort((a, b) => last(b) - last(a)).slice(0, MAX_LINES);
}

function counterFigure(name, family) {
  const group = groupLabel(family);
  const status = statusLabel(family);
  const rates = new Map();
  const errorRatio = [];
  for (let i = 1; i < snapshots.length; i++) {
    const j = before(i, RATE_WINDOW_MS);
    const seconds = (snapshots[i].time - snapshots[j].time) / 1000;
    const all = () => true;
    const now = sums(i, name, all, group);
    const then = sums(j, name, all, group);
    for (const [row, value] of now) {
      if (!rates.has(row)) rates.set(row, []);
      rates.get(row).push([snapshots[i].time, increase(value, then.get(row) || 0) / seconds]);
    }
    if (status) {
      const failed = (s) => isError(s.labels[status]);
      const total = [...now.values()].reduce((a, b) => a + b, 0) - [...then.values()].reduce((a, b) => a + b, 0);
      const errors = (sums(i, name, failed, null).get("all") || 0) - (sums(j, name, failed, null).get("all") || 0);
      errorRatio.push([snapshots[i].time, total > 0 ? errors / total : 0]);
    }
  }
  const lines = topLines([...rates].map(([row, points]) => ({ name: group ? row : "rate", points })));
  const { svg, drawn } = lineChart(lines, "");
  const parts = [svg, legend(lines, "/s")];
  let caption = "rate per second" + (group ? " by " + group : "");
  if (status) {
    const last = errorRatio.length ? errorRatio[errorRatio.length - 1][1] : NaN;
    caption += " · errors (" + status + ") " + format(last, "%");
    const ratio = lineChart([{ name: "error ratio", points: errorRatio }], "%");
    ratio.svg.setAttribute("class", "ratio");
    parts.push(ratio.svg);
  }
  return { parts, caption, drawn };
}

function histogramFigure(name, family) {
  const group = groupLabel(family);
  const quantiles = [0.5, 0.95, 0.99];
  const overall = quantiles.map((q) => ({ name: "p" + Math.round(q * 100), points: [] }));
  for (let i = 1; i < snapshots.length; i++) {
    const j = before(i, RATE_WINDOW_MS);
    const buckets = bucketIncreases(name, j, i, null).get("all") || [];
    quantiles.forEach((q, k) => overall[k].points.push([snapshots[i].time, histogramQuantile(q, buckets)]));
  }
  const unit = name.endsWith("_seconds") ? "s" : "";
  const { svg, drawn } = lineChart(overall, unit);
  const parts = [svg, legend(overall, unit)];
  if (group && snapshots.length > 1) {
    const i = snapshots.length - 1;
    const j = before(i, RATE_WINDOW_MS);
    const seconds = (snapshots[i].time - snapshots[j].time) / 1000;
    const rows = [...bucketIncreases(name, j, i, group)].map(([row, buckets]) => {
      const count = Math.max(0, ...buckets.map((b) => b[1]));
      return [row, format(count / seconds, ""), ...quantiles.map((q) => format(histogramQuantile(q, buckets), unit))];
    });
    parts.push(table([group, "/s", "p50", "p95", "p99"], rows));
  }
  return { parts, caption: "p50 · p95 · p99 over " + RATE_WINDOW_MS / 1000 + " s", drawn };
}

function gaugeFigure(name, family) {
  const series = new Map();
  for (let i = 0; i < snapshots.length; i++) {
    const current = snapshots[i].families.get(name);
    for (const sample of current ? current.samples : []) {
      const row = key(sample.labels, []) || name;
      if (!series.has(row)) series.set(row, []);
      series.get(row).push([snapshots[i].time, sample.value]);
    }
  }
  const lines = topLines([...series].map(([row, points]) => ({ name: row, points })));
  const { svg, drawn } = lineChart(lines, "");
  return { parts: [svg, legend(lines, "")], caption: family.type === "gauge" ? "value" : family.type, drawn };
}

function drawCharts() {
  if (snapshots.length < 2) return;
  const latest = snapshots[snapshots.length - 1].families;
  const charts = $("charts");
  charts.replaceChildren();
  for (const [name, family] of [...latest].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (family.samples.length === 0) continue;
    let drawn;
    try {
      drawn = family.type === "counter" ? counterFigure(name, family)
        : family.type === "histogram" ? histogramFigure(name, family)
          : gaugeFigure(name, family);
    } catch (error) {
      problem("chart " + name, "cannot chart " + name + ": " + error.message);
      continue;
    }
    const figure = element("figure", { class: "chart", "data-family": name, "data-type": family.type, "data-points": drawn.drawn },
      element("h3", { title: family.help }, name),
      element("figcaption", {}, family.help ? family.help + " — " + drawn.caption : drawn.caption),
      ...drawn.parts);
    if (drawn.drawn === 0) figure.append(element("p", { class: "quiet" }, "no observations in the window"));
    charts.append(figure);
  }
  const seconds = Math.round((snapshots[snapshots.length - 1].time - snapshots[0].time) / 1000);
  $("window").textContent = "· last " + seconds + " s, " + snapshots.length + " scrapes";
}

// --- health, states, build ---------------------------------------------------

function probeList(title, answer) {
  const lines = answer.text.split("\n").filter((l) => l.startsWith("[+]") || l.startsWith("[-]"));
  const ok = answer.status === 200;
  const items = lines.map((line) => {
    const passed = line.startsWith("[+]");
    return element("li", { class: passed ? "ok" : "failed", "data-check": line.slice(3).split(" ")[0] }, line.slice(3));
  });
  return element("div", { "data-probe": title },
    element("strong", { class: ok ? "ok" : "failed" }, title + (ok ? " ok" : " failing")),
    items.length ? element("ul", {}, ...items) : element("p", { class: "quiet" }, "no checks"));
}

async function refreshHealth() {
  try {
    const [live, ready] = await Promise.all([fetchText("livez?verbose"), fetchText("readyz?verbose")]);
    $("health").replaceChildren(probeList("liveness", live), probeList("readiness", ready));
    problem("health", null);
  } catch (error) {
    problem("health", error.message);
  }
}

async function refreshStatus() {
  try {
    const answer = await fetchText("status");
    if (answer.status !== 200) throw new Error("status answered " + answer.status);
    const status = JSON.parse(answer.text);
    const application = status.application;
    const build = $("build");
    build.replaceChildren();
    if (application) {
      $("application").textContent = application.name + " " + application.version;
      document.title = application.name + " · vitals";
      for (const field of ["name", "version", "revision", "branch", "rustc_version"]) {
        build.append(element("dt", {}, field.replace("_", " ")), element("dd", {}, application[field]));
      }
    }
    build.append(element("dt", {}, "shutting down"), element("dd", {}, String(status.shutting_down)));
    const states = Object.entries(status.states);
    $("states").replaceChildren(...(states.length ? states.map(([name, state]) =>
      element("p", { "data-state": name, class: state.ready ? "ok" : "failed" },
        element("strong", {}, name), " " + state.state + " (" + state.code + ")",
        element("br"), element("span", { class: "quiet" }, state.meaning)))
      : [element("p", { class: "quiet" }, "no states")]));
    problem("status", null);
  } catch (error) {
    problem("status", error.message);
  }
}

async function scrape() {
  try {
    const answer = await fetchText("metrics");
    if (answer.status !== 200) throw new Error("metrics answered " + answer.status);
    const time = Date.now();
    snapshots.push({ time, families: parseExposition(answer.text) });
    while (snapshots.length > 2 && snapshots[0].time < time - KEEP_MS) snapshots.shift();
    problem("metrics", null);
    drawCharts();
  } catch (error) {
    problem("metrics", error.message);
  }
}

async function tick() {
  await Promise.all([scrape(), refreshHealth(), refreshStatus()]);
  setTimeout(tick, INTERVAL_MS);
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  token = $("token").value.trim();
  sessionStorage.setItem("vitals-token", token);
  snapshots.length = 0;
});

tick();
