// Ballast's web page: the services, a live view of one, a postmortem of a time range with a what-if overlay.
// Everything shown comes from the API (/v1/...) with the token the user logged in with; the token stays in this
// tab's session storage and goes out only as a bearer token to this origin. Text from the API is set with
// textContent, never parsed as HTML.
"use strict";

const TOKEN_KEY = "ballast.token";
const LIVE_MINUTES = 15;
const POLL_MS = 2000;
const COLORS = ["#1f6feb", "#e8590c", "#2f9e44", "#ae3ec9", "#0c8599", "#f08c00", "#868e96"];

const state = { who: null, timers: [], charts: new Map() };

// ------------------------------------------------------------------------------------------------ the API

class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.error)) || "HTTP " + status);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body, loggingIn) {
  const headers = { Authorization: "Bearer " + sessionStorage.getItem(TOKEN_KEY) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = { detail: text }; }
  if (response.status === 401 && !loggingIn) {
    logout("Your token was refused (" + ((json && json.detail) || "401") + "). Log in again.");
    throw new ApiError(401, json);
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

const enc = encodeURIComponent;

// ------------------------------------------------------------------------------------------------ DOM helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function table(id, headers, rows) {
  return el("table", { id },
    el("thead", {}, el("tr", {}, headers.map(h => el("th", { class: h.num ? "num" : null, text: h.label || h })))),
    el("tbody", {}, rows));
}

function fmt(n, digits) {
  if (n === null || n === undefined || Number.isNaN(n)) return "-";
  const d = digits === undefined ? (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2) : digits;
  return Number(n).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: 0 });
}

function when(iso) {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "-";
}

function shedText(admission) {
  const shed = (admission || []).filter(a => a.admitFraction < 1).map(a => a.priority + " " + fmt(100 * (1 - a.admitFraction), 0) + " %");
  return shed.length ? shed.join(", ") : "none";
}

function words(code) {
  return code ? code.toLowerCase().replaceAll("_", " ") : "-";
}

function stopTimers() {
  state.timers.forEach(clearInterval);
  state.timers = [];
}

function every(ms, fn) {
  state.timers.push(setInterval(fn, ms));
}

// ------------------------------------------------------------------------------------------------ charts

// One uPlot chart in `container`, replaced when its series change, updated in place when only the data does.
// The container carries data-points (points per series) and data-series (series drawn) for tests and tools.
function chart(container, title, series, data, opts) {
  const key = container.id;
  const signature = title + "|" + series.map(s => s.label).join("|");
  let entry = state.charts.get(key);
  container.dataset.points = String(data[0].length);
  container.dataset.series = String(series.length);
  if (!data[0].length) {
    if (entry) { entry.plot.destroy(); state.charts.delete(key); }
    container.replaceChildren(el("div", { class: "empty", text: title + ": nothing recorded in this range" }));
    return;
  }
  if (entry && entry.signature === signature && entry.plot.root.isConnected) {
    entry.plot.setData(data);
    return;
  }
  if (entry) entry.plot.destroy();
  container.replaceChildren();
  const width = Math.max(320, container.clientWidth - 16);
  const plot = new uPlot({
    title,
    width,
    height: 220,
    tzDate: ts => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: { x: { time: true }, y: Object.assign({ auto: true }, (opts && opts.y) || {}) },
    axes: [{}, { label: (opts && opts.unit) || "", size: 60 }],
    series: [{ label: "time (UTC)" }].concat(series.map((s, i) => {
      const line = {
        label: s.label,
        stroke: s.color || COLORS[i % COLORS.length],
        width: s.width || 1.5,
        points: { show: false },
        value: (u, v) => (v === null || v === undefined ? "-" : fmt(v)),
      };
      if (s.dash) line.dash = s.dash;
      if (s.step) line.paths = uPlot.paths.stepped({ align: 1 });
      return line;
    })),
  }, data, container);
  state.charts.set(key, { plot, signature });
}

// Timeline points (as the replay endpoint gives them) to the three charts' data.
function classesOf(points) {
  const seen = [];
  for (const p of points) for (const c of p.classes || []) if (!seen.includes(c.priority)) seen.push(c.priority);
  return seen;
}

function seconds(iso) {
  return Date.parse(iso) / 1000;
}

function loadData(points) {
  const classes = classesOf(points);
  const xs = points.map(p => seconds(p.windowEnd));
  const ys = classes.map(name => points.map(p => {
    const c = (p.classes || []).find(k => k.priority === name);
    return c ? c.offeredRps : 0;
  }));
  return { series: classes.map(name => ({ label: name + " offered req/s" })), data: [xs, ...ys] };
}

function capacityData(points, overlay) {
  const xs = points.map(p => seconds(p.windowEnd));
  const n = (p, k) => (p.instances ? p.instances[k] : null);
  const series = [
    { label: "ready", color: "#2f9e44" },
    { label: "warming", color: "#f08c00" },
    { label: "booting", color: "#868e96" },
    { label: "desired", color: "#1f6feb", width: 2, step: true },
  ];
  const data = [xs, points.map(p => n(p, "ready")), points.map(p => n(p, "warming")), points.map(p => n(p, "booting")),
    points.map(p => p.desired)];
  if (overlay) {
    series.push({ label: "baseline desired (model)", color: "#495057", dash: [4, 4], step: true });
    series.push({ label: overlay.policy + " desired (what-if)", color: "#d6336c", width: 2, step: true });
    series.push({ label: overlay.policy + " instances (what-if)", color: "#d6336c", dash: [2, 3] });
    data.push(align(xs, overlay.series, s => s.baseline.desired));
    data.push(align(xs, overlay.series, s => s.candidate.desired));
    data.push(align(xs, overlay.series, s => s.candidate.instances));
  }
  return { series, data };
}

function shedData(points, overlay) {
  const classes = classesOf(points);
  const xs = points.map(p => seconds(p.windowEnd));
  const series = classes.map(name => ({ label: name + " shed %", step: true }));
  const data = [xs, ...classes.map(name => points.map(p => {
    const a = (p.admission || []).find(k => k.priority === name);
    return a ? 100 * (1 - a.admitFraction) : 0;
  }))];
  if (overlay) {
    series.push({ label: "baseline low shed % (model)", color: "#495057", dash: [4, 4], step: true });
    series.push({ label: overlay.policy + " low shed % (what-if)", color: "#d6336c", width: 2, step: true });
    data.push(align(xs, overlay.series, s => 100 * s.baseline.shedLow));
    data.push(align(xs, overlay.series, s => 100 * s.candidate.shedLow));
  }
  return { series, data };
}

// The what-if series laid on the timeline's x values (both are keyed by window end; a missing one is a gap).
function align(xs, series, pick) {
  const byTime = new Map(series.map(s => [seconds(s.windowEnd), s]));
  return xs.map(x => (byTime.has(x) ? pick(byTime.get(x)) : null));
}

function drawCharts(prefix, points, overlay) {
  const load = loadData(points);
  chart(document.getElementById(prefix + "chart-load"), "Offered load per class", load.series, load.data, { unit: "req/s" });
  const cap = capacityData(points, overlay);
  chart(document.getElementById(prefix + "chart-capacity"), "Capacity by state and desired instances", cap.series, cap.data,
    { unit: "instances", y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } });
  const shed = shedData(points, overlay);
  chart(document.getElementById(prefix + "chart-shed"), "Shed levels", shed.series, shed.data,
    { unit: "% shed", y: { range: [0, 100] } });
}

function chartsPanel(prefix) {
  return el("div", { class: "charts" },
    el("div", { class: "chart", id: prefix + "chart-load" }),
    el("div", { class: "chart", id: prefix + "chart-capacity" }),
    el("div", { class: "chart", id: prefix + "chart-shed" }));
}

// ------------------------------------------------------------------------------------------------ login

function logout(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.who = null;
  stopTimers();
  renderWho();
  showLogin(message);
}

function renderWho() {
  const who = document.getElementById("who");
  const button = document.getElementById("logout");
  who.textContent = state.who ? state.who.name + " · " + state.who.role : "";
  button.hidden = !state.who;
}

function canOperate() {
  return state.who && (state.who.role === "operator" || state.who.role === "admin");
}

function showLogin(message) {
  document.getElementById("crumbs").replaceChildren();
  const error = el("p", { class: "error", id: "login-error", text: message || "" });
  const input = el("input", { id: "token", type: "password", autocomplete: "off", placeholder: "bst_…", required: true });
  const form = el("form", {
    id: "login", class: "panel login", onsubmit: async e => {
      e.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      try {
        state.who = await api("GET", "/v1/whoami", undefined, true);
        renderWho();
        route();
      } catch (err) {
        sessionStorage.removeItem(TOKEN_KEY);
        error.textContent = err.status === 401 ? "That token is not valid (unknown, revoked or mistyped)." : err.message;
      }
    },
  },
  el("h1", { text: "Log in" }),
  el("p", { class: "muted", text: "Paste an API token (viewer to look, operator or admin to set overrides). "
    + "A node makes an admin token for itself on first start in <data-dir>/admin.token; `bin/ballast token create` makes others." }),
  el("label", {}, "Token ", input),
  el("p", {}, el("button", { class: "primary", type: "submit", text: "Log in" })),
  error);
  document.getElementById("main").replaceChildren(form);
  input.focus();
}

// ------------------------------------------------------------------------------------------------ routing

function crumbs(...parts) {
  document.getElementById("crumbs").replaceChildren(...parts.flatMap((p, i) => (i ? [" / ", p] : [p])));
}

async function route() {
  stopTimers();
  state.charts.forEach(c => c.plot.destroy());
  state.charts.clear();
  if (!sessionStorage.getItem(TOKEN_KEY)) return showLogin();
  if (!state.who) {
    try {
      state.who = await api("GET", "/v1/whoami");
      renderWho();
    } catch (e) {
      if (e.status !== 401) showLogin(e.message);
      return;
    }
  }
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  let m;
  if ((m = path.match(/^\/services\/([^/]+)\/postmortem$/))) return postmortem(decodeURIComponent(m[1]), params);
  if ((m = path.match(/^\/services\/([^/]+)$/))) return live(decodeURIComponent(m[1]));
  return services();
}

// ------------------------------------------------------------------------------------------------ services

async function services() {
  crumbs(el("span", { text: "Services" }));
  const body = el("tbody");
  const journal = el("p", { id: "journal", class: "muted" });
  const error = el("p", { class: "error" });
  const main = document.getElementById("main");
  main.replaceChildren(el("h1", { text: "Services" }), journal, error,
    el("div", { class: "panel" }, el("table", { id: "services" },
      el("thead", {}, el("tr", {}, ["service", "node", "ready / warming / booting", "desired", "mode", "shedding", "last decision"]
        .map(h => el("th", { text: h })))), body)));
  async function refresh() {
    try {
      const answer = await api("GET", "/v1/services");
      error.textContent = "";
      journal.textContent = answer.journal.available ? "Journal available." : "Journal unavailable since "
        + when(answer.journal.since) + ": " + (answer.journal.detail || "");
      journal.className = answer.journal.available ? "muted" : "error";
      body.replaceChildren(...answer.services.map(s => el("tr", { dataset: { service: s.id } },
        el("td", {}, el("a", { href: "#/services/" + enc(s.id), text: s.id })),
        el("td", { text: s.node || "-" }),
        el("td", { text: [s.instances.ready, s.instances.warming, s.instances.booting].join(" / ") }),
        el("td", { class: "num", text: s.desiredInstances }),
        el("td", { text: words(s.mode) }),
        el("td", { text: shedText(s.admission) }),
        el("td", { text: s.lastDecision ? when(s.lastDecision.at) + " · " + s.lastDecision.explanation : "-" }))));
      if (!answer.services.length) {
        body.replaceChildren(el("tr", {}, el("td", { colspan: 7, class: "muted", text: "No service has recorded anything yet." })));
      }
    } catch (e) {
      if (e.status !== 401) error.textContent = "Could not read the services: " + e.message;
    }
  }
  await refresh();
  every(POLL_MS, refresh);
}

// ------------------------------------------------------------------------------------------------ live view

// Folds events from the events endpoint into timeline points, as the replay endpoint builds them.
function foldEvents(points, events, last) {
  for (const { type, event } of events) {
    if (type === "MetricsObserved") {
      last.instances = event.instances || last.instances;
      last.pending = {
        windowStart: event.windowStart, windowEnd: event.windowEnd, classes: event.classes, instances: last.instances,
        samples: event.sampleCount, desired: last.desired, admission: last.admission, reason: null,
      };
    } else if (type === "ScaleDecided") {
      last.desired = event.to;
      if (last.pending && last.pending.windowEnd === event.at) {
        last.pending.desired = event.to;
        last.pending.reason = event.reason && event.reason.code;
        points.push(last.pending);
        last.pending = null;
      }
    } else if (type === "ShedLevelsChanged") {
      last.admission = event.admission;
      const tail = points[points.length - 1];
      if (tail && tail.windowEnd === event.at) tail.admission = event.admission;
    } else if (type === "InstancesObserved" && event.instances) {
      last.instances = event.instances;
    }
  }
}

async function live(id) {
  crumbs(el("a", { href: "#/", text: "Services" }), el("span", { text: id }));
  const main = document.getElementById("main");
  const status = el("div", { class: "status", id: "status" });
  const error = el("p", { class: "error", id: "live-error" });
  const overrides = el("div", { id: "overrides-panel" });
  const decisions = el("div", { class: "scroll", id: "decisions-panel" });
  const now = new Date();
  const from = new Date(now.getTime() - 3600 * 1000).toISOString();
  main.replaceChildren(
    el("h1", {}, id, " ", el("a", { href: "#/services/" + enc(id) + "/postmortem?from=" + enc(from) + "&to=" + enc(now.toISOString()),
      id: "to-postmortem", class: "small", text: "postmortem of the last hour →" })),
    error, el("div", { class: "panel" }, status),
    el("p", { class: "muted", text: "Updates every " + POLL_MS / 1000 + " s; the last " + LIVE_MINUTES + " minutes." }),
    chartsPanel(""),
    el("h2", { text: "Overrides" }), el("div", { class: "panel" }, overrides, canOperate() ? overrideForm(id, () => refreshDetail()) : null),
    el("h2", { text: "Decision log" }), el("div", { class: "panel" }, decisions));

  const points = [];
  const last = { desired: null, admission: [], instances: null, pending: null };
  let nextSeq = 1;
  try {
    const since = new Date(Date.now() - LIVE_MINUTES * 60 * 1000).toISOString();
    const replay = await api("GET", "/v1/services/" + enc(id) + "/replay?from=" + enc(since));
    points.push(...replay.timeline.windows);
    const s = replay.stateAt.state;
    Object.assign(last, { desired: s.desiredInstances, admission: s.admission, instances: s.instances });
    nextSeq = replay.lastSeq + 1;
  } catch (e) {
    if (e.status === 404) error.textContent = "No service '" + id + "' has recorded anything yet.";
    else if (e.status !== 401) error.textContent = "Could not read the history: " + e.message;
  }
  drawCharts("", points);

  async function refreshEvents() {
    try {
      for (let page = 0; page < 20; page++) {
        const answer = await api("GET", "/v1/services/" + enc(id) + "/events?from=" + nextSeq + "&limit=1000");
        if (!answer.events.length) break;
        foldEvents(points, answer.events, last);
        nextSeq = answer.events[answer.events.length - 1].seq + 1;
        if (!answer.next) break;
      }
      const horizon = Date.now() / 1000 - LIVE_MINUTES * 60;
      while (points.length && seconds(points[0].windowEnd) < horizon) points.shift();
      drawCharts("", points);
    } catch (e) {
      if (e.status !== 401 && e.status !== 404) error.textContent = "Could not read new events: " + e.message;
    }
  }

  async function refreshDetail() {
    try {
      const d = await api("GET", "/v1/services/" + enc(id));
      error.textContent = "";
      renderStatus(status, d);
      renderOverrides(overrides, id, d.overrides, refreshDetail);
      if (changed(decisions, d.decisions)) decisions.replaceChildren(table("decisions", ["at", "from → to", "mode", "reason"], d.decisions.map(x => el("tr", {},
        el("td", { text: when(x.at) }), el("td", { text: x.from + " → " + x.to }), el("td", { text: words(x.mode) }),
        el("td", { text: x.explanation })))));
    } catch (e) {
      if (e.status === 404) error.textContent = "No service '" + id + "' has recorded anything yet.";
      else if (e.status !== 401) error.textContent = "Could not read the service: " + e.message;
    }
  }
  await refreshDetail();
  every(POLL_MS, () => { refreshEvents(); refreshDetail(); });
}

function renderStatus(container, d) {
  const item = (label, value, id) => el("div", { id }, el("b", { text: value }), el("span", { text: label }));
  const i = d.instances;
  container.replaceChildren(
    item("desired", d.desiredInstances, "status-desired"),
    item("ready / warming / booting", [i.ready, i.warming, i.booting].join(" / "), "status-instances"),
    item("mode", words(d.mode), "status-mode"),
    item("shedding", shedText(d.admission), "status-shed"),
    item("policy", d.policy ? d.policy.kind : "-"),
    item("node", d.node || "-"),
    item("last decision", d.lastDecision ? d.lastDecision.explanation : "-"));
}

// Replaces a container's content only when what it shows changed, so a button is not swapped under the pointer.
function changed(container, value) {
  const signature = JSON.stringify(value);
  if (container.dataset.signature === signature) return false;
  container.dataset.signature = signature;
  return true;
}

function renderOverrides(container, id, list, refresh) {
  if (!changed(container, list)) return;
  if (!list.length) {
    container.replaceChildren(el("p", { class: "muted", id: "no-overrides", text: "No override in force." }));
    return;
  }
  const describe = o => o.kind === "pin" ? "pin to " + o.instances
    : o.kind === "bounds" ? "bounds " + (o.min ?? "-") + ".." + (o.max ?? "-")
    : o.kind === "freeze" ? "freeze" + (o.scaleIn ? " scale-in" : "") + (o.scaleOut ? " scale-out" : "")
    : o.kind === "shed" ? "shed " + Object.entries(o.admit).map(([k, v]) => k + " admit " + fmt(100 * v, 0) + " %").join(", ")
    : o.kind;
  container.replaceChildren(table("overrides", ["id", "override", "reason", "set by", "expires", ""], list.map(o =>
    el("tr", { dataset: { override: o.id } },
      el("td", { text: o.id }), el("td", { text: describe(o) }), el("td", { text: o.reason }), el("td", { text: o.setBy }),
      el("td", { text: when(o.expiresAt) }),
      el("td", {}, canOperate() ? el("button", {
        class: "small cancel", type: "button", dataset: { override: o.id }, text: "Cancel", onclick: async e => {
          e.target.disabled = true;
          try {
            await api("DELETE", "/v1/services/" + enc(id) + "/overrides/" + enc(o.id) + "?reason=" + enc("cancelled from the web page"));
          } catch (err) {
            if (err.status !== 401) alert("Could not cancel " + o.id + ": " + err.message);
          }
          refresh();
        },
      }) : null)))));
}

function overrideForm(id, refresh) {
  const kind = el("select", { id: "override-kind" }, ["pin", "bounds", "freeze"].map(k => el("option", { value: k, text: k })));
  const instances = el("input", { id: "override-instances", type: "number", min: 0, step: 1, size: 5 });
  const min = el("input", { id: "override-min", type: "number", min: 0, step: 1, size: 5 });
  const max = el("input", { id: "override-max", type: "number", min: 0, step: 1, size: 5 });
  const scaleIn = el("input", { id: "override-scale-in", type: "checkbox", checked: true });
  const scaleOut = el("input", { id: "override-scale-out", type: "checkbox" });
  const reason = el("input", { id: "override-reason", type: "text", size: 30, placeholder: "why (recorded)" });
  const ttl = el("input", { id: "override-ttl", type: "text", size: 8, value: "PT30M", title: "ISO-8601 duration" });
  const error = el("p", { class: "error", id: "override-error" });
  const fields = {
    pin: [el("label", {}, "instances", instances)],
    bounds: [el("label", {}, "min", min), el("label", {}, "max", max)],
    freeze: [el("label", {}, "scale in", scaleIn), el("label", {}, "scale out", scaleOut)],
  };
  const specific = el("span", { class: "row" });
  const show = () => specific.replaceChildren(...fields[kind.value]);
  kind.addEventListener("change", show);
  show();
  const number = input => (input.value === "" ? undefined : Number(input.value));
  return el("form", {
    id: "override-form", onsubmit: async e => {
      e.preventDefault();
      const body = { kind: kind.value, reason: reason.value, ttl: ttl.value };
      if (kind.value === "pin") body.instances = number(instances);
      if (kind.value === "bounds") { body.min = number(min); body.max = number(max); }
      if (kind.value === "freeze") { body.scaleIn = scaleIn.checked; body.scaleOut = scaleOut.checked; }
      try {
        const set = await api("POST", "/v1/services/" + enc(id) + "/overrides", body);
        error.className = "ok";
        error.textContent = "Set " + set.id + ".";
        reason.value = "";
      } catch (err) {
        error.className = "error";
        if (err.status !== 401) error.textContent = (err.body && err.body.field ? err.body.field + ": " : "") + err.message;
      }
      refresh();
    },
  },
  el("h2", { text: "Set an override" }),
  el("div", { class: "row" }, el("label", {}, "kind", kind), specific, el("label", {}, "reason", reason),
    el("label", {}, "lasts", ttl), el("button", { class: "primary", type: "submit", id: "override-submit", text: "Set" })),
  error);
}

// ------------------------------------------------------------------------------------------------ postmortem

async function postmortem(id, params) {
  crumbs(el("a", { href: "#/", text: "Services" }), el("a", { href: "#/services/" + enc(id), text: id }), el("span", { text: "postmortem" }));
  const now = new Date();
  const fromInput = el("input", { id: "pm-from", type: "text", size: 24, value: params.get("from") || new Date(now - 3600e3).toISOString() });
  const toInput = el("input", { id: "pm-to", type: "text", size: 24, value: params.get("to") || now.toISOString() });
  const error = el("p", { class: "error", id: "pm-error" });
  const summary = el("p", { id: "pm-summary", class: "muted" });
  const decisions = el("div", { class: "scroll", id: "pm-decisions-panel" });
  const actuations = el("div", { id: "pm-actuations-panel" });
  const whatIf = el("div", { id: "wi-panel" });
  const main = document.getElementById("main");
  main.replaceChildren(
    el("h1", { text: id + ": postmortem" }),
    el("form", {
      class: "panel row", id: "pm-range", onsubmit: e => {
        e.preventDefault();
        location.hash = "#/services/" + enc(id) + "/postmortem?from=" + enc(fromInput.value.trim()) + "&to=" + enc(toInput.value.trim());
      },
    }, el("label", {}, "from (UTC, ISO-8601)", fromInput), el("label", {}, "to", toInput),
    el("button", { class: "primary", type: "submit", id: "pm-load", text: "Show" })),
    error, summary, chartsPanel("pm-"),
    el("h2", { text: "What-if: the same range under another policy" }), whatIf,
    el("h2", { text: "Decisions" }), el("div", { class: "panel" }, decisions),
    el("h2", { text: "Actuations" }), el("div", { class: "panel" }, actuations));

  let points = [];
  try {
    const replay = await api("GET", "/v1/services/" + enc(id) + "/replay?from=" + enc(fromInput.value.trim()) + "&to=" + enc(toInput.value.trim()));
    points = replay.timeline.windows;
    const r = replay.reproduction;
    summary.textContent = points.length + " windows in the range. " + (r.exact
      ? "Replaying the whole history reproduces all " + r.windows + " recorded decisions."
      : "Replaying the whole history does NOT reproduce " + (r.windows - r.identical) + " of " + r.windows
        + " recorded decisions (GET /v1/services/" + id + "/replay lists them).");
    const changes = points.filter((p, i) => i === 0 || p.desired !== points[i - 1].desired || p.reason !== points[i - 1].reason
      || shedText(p.admission) !== shedText(points[i - 1].admission));
    decisions.replaceChildren(table("pm-decisions", ["window end", "offered req/s", "ready / warming", "from → to", "shed", "overrides", "reason"],
      changes.map(p => el("tr", {},
        el("td", { text: when(p.windowEnd) }),
        el("td", { text: (p.classes || []).map(c => c.priority + " " + fmt(c.offeredRps)).join(", ") || "-" }),
        el("td", { text: p.instances ? p.instances.ready + " / " + p.instances.warming : "-" }),
        el("td", { text: p.from + " → " + p.desired }),
        el("td", { text: shedText(p.admission) }),
        el("td", { text: (p.overrides || []).join(", ") || "-" }),
        el("td", { text: p.explanation })))));
    actuations.replaceChildren(replay.timeline.actuations.length
      ? table("pm-actuations", ["at", "desired", "outcome", "detail"], replay.timeline.actuations.map(a => el("tr", {},
        el("td", { text: when(a.at) }), el("td", { text: a.desired }), el("td", { text: a.outcome }), el("td", { text: a.detail || "-" }))))
      : el("p", { class: "muted", text: "No write to a target in this range." }));
  } catch (e) {
    if (e.status !== 401) error.textContent = (e.body && e.body.field ? e.body.field + ": " : "") + e.message;
  }
  drawCharts("pm-", points);
  whatIf.replaceChildren(whatIfForm(id, fromInput.value.trim(), toInput.value.trim(), overlay => drawCharts("pm-", points, overlay)));
}

function whatIfForm(id, from, to, overlay) {
  const kind = el("select", { id: "wi-kind" }, ["hpa", "knative", "aws-target-tracking", "ballast"].map(k => el("option", { value: k, text: k })));
  const settings = el("textarea", { id: "wi-settings", rows: 3, cols: 60, placeholder: '{"metric": "requests-per-instance", "target": 80}' });
  const boot = el("input", { id: "wi-boot", type: "number", min: 0, value: 120, size: 5 });
  const warmup = el("input", { id: "wi-warmup", type: "number", min: 0, value: 60, size: 5 });
  const error = el("p", { class: "error", id: "wi-error" });
  const result = el("div", { id: "wi-result" });
  const run = el("button", { class: "primary", type: "submit", id: "wi-run", text: "Re-run" });
  return el("div", { class: "panel" }, el("form", {
    id: "wi-form", class: "row", onsubmit: async e => {
      e.preventDefault();
      error.textContent = "";
      let policy = { kind: kind.value };
      if (settings.value.trim()) {
        try {
          policy = Object.assign(JSON.parse(settings.value), { kind: kind.value });
        } catch (err) {
          error.textContent = "settings: not JSON (" + err.message + ")";
          return;
        }
      }
      run.disabled = true;
      try {
        const answer = await api("POST", "/v1/services/" + enc(id) + "/what-if", {
          from, to, policy, model: { bootSeconds: Number(boot.value), warmupSeconds: Number(warmup.value) },
        });
        const r = answer.whatIf;
        result.replaceChildren(whatIfSummary(r));
        overlay({ policy: r.candidatePolicy, series: r.series });
      } catch (err) {
        if (err.status !== 401) error.textContent = (err.body && err.body.field ? err.body.field + ": " : "") + err.message;
      } finally {
        run.disabled = false;
      }
    },
  }, el("label", {}, "policy", kind), el("label", {}, "settings (JSON, optional)", settings),
  el("label", {}, "boot s", boot), el("label", {}, "warm-up s", warmup), run), error, result);
}

function whatIfSummary(r) {
  const side = name => r.summary.find(s => s.side === name);
  const sides = [side("recorded"), side("baseline"), side("candidate")];
  const classes = Object.keys(sides[1].offered);
  const row = (label, f) => el("tr", {}, el("th", { text: label }), sides.map(s => el("td", { class: "num", text: f(s) })));
  const shed = (s, c) => s.shed[c] + (s.offered[c] ? " (" + fmt(100 * s.shed[c] / s.offered[c], 1) + " %)" : "");
  return el("div", {},
    el("table", { id: "wi-summary" },
      el("thead", {}, el("tr", {}, el("th", {}), el("th", { class: "num", text: "recorded" }),
        el("th", { class: "num", text: "baseline: " + r.baselinePolicy + " (model)" }),
        el("th", { class: "num", text: "candidate: " + r.candidatePolicy + " (model)" }))),
      el("tbody", {},
        row("instance-hours", s => fmt(s.instanceHours, 3)),
        row("SLO-violation seconds", s => s.sloViolationSeconds),
        classes.map(c => row("SLO-violation seconds, " + c, s => s.sloViolationSecondsByClass[c])),
        classes.map(c => row("requests shed, " + c, s => shed(s, c))),
        row("scale changes", s => s.scaleChanges),
        row("peak instances", s => s.peakInstances),
        row("time to capacity (median / max s)", s => s.ttcMedianSeconds === null ? "-" : fmt(s.ttcMedianSeconds) + " / " + fmt(s.ttcMaxSeconds)))),
    el("p", { class: "muted", id: "wi-differing", text: "The candidate decided otherwise in " + r.differing + " of " + r.windows
      + " windows; the recorded policy, re-run through the model, asked for the recorded count in " + r.baselineMatchesRecorded + "." }));
}

// ------------------------------------------------------------------------------------------------ start

window.addEventListener("hashchange", route);
document.getElementById("logout").addEventListener("click", () => logout("Logged out."));
route();
