/**
 * A run as a self-contained HTML space–time diagram: one lane per node (and one for clients),
 * time downwards, messages as arrows into their delivery, drops, duplicates, faults, timers and
 * client requests/replies marked, the violation highlighted and scrolled to. Clicking an event
 * shows its details. Zoom, a node filter, a message-type filter and a "fold timers" switch.
 * No network access: data, script and style are inline.
 *
 * The kernel's trace has no send events, so an arrow starts at the sender's latest event at or
 * before the delivery (the step that sent it, when the sender did nothing in between).
 */
import type { TraceEvent } from "@faultline/kernel";

/** What the picture shows. */
export interface DiagramInput {
  readonly title: string;
  readonly trace: readonly TraceEvent[];
  readonly nodes: readonly string[];
  /** "property: message" of the violation, if any. */
  readonly failure?: string;
  /** Virtual time of the violation. */
  readonly violationAt?: number;
  readonly token?: string;
  /** Node state before and after, by trace index, for events that stepped a node. */
  readonly states?: Readonly<Record<number, { readonly before: unknown; readonly after: unknown }>>;
}

/** Escapes text for HTML. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** The HTML page for one run. */
export function diagramHtml(d: DiagramInput): string {
  // "<" escaped so a payload cannot close the script element.
  const data = JSON.stringify({ trace: d.trace, nodes: d.nodes, failure: d.failure ?? null, violationAt: d.violationAt ?? null, states: d.states ?? {} }).replace(/</g, "\\u003c");
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(d.title)}</title><style>${STYLE}</style></head><body>
<header><h1>${esc(d.title)}</h1>${d.failure ? `<div id="verdict" class="bad">VIOLATION ${esc(d.failure)}</div>` : `<div id="verdict" class="good">no violation</div>`}
<div id="controls">zoom <input id="zoom" type="range" min="0.05" max="40" step="0.05" value="0.6"> <label><input id="fold" type="checkbox" checked> fold timers and heartbeats</label> nodes <span id="nodefilter"></span> messages <span id="msgfilter"></span></div></header>
<main><div id="lanes"><svg id="svg"></svg></div><aside id="detail"><p>Click an event for its details.</p></aside></main>
<script id="data" type="application/json">${data}</script><script>${SCRIPT}</script></body></html>\n`;
}

const STYLE = `body{font:13px system-ui,sans-serif;margin:0;color:#222}header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ccc;padding:6px 10px;z-index:2}
h1{font-size:15px;margin:0 0 4px}.bad{color:#b00;font-weight:bold}.good{color:#070}#controls label{margin-right:6px}
main{display:flex}#lanes{flex:1;overflow:auto;height:calc(100vh - 90px)}aside{width:34%;border-left:1px solid #ccc;padding:8px;overflow:auto;height:calc(100vh - 106px)}
pre{white-space:pre-wrap;font-size:12px;background:#f6f6f6;padding:6px}.before{background:#fee}.after{background:#efe}.ev{cursor:pointer}.ev:hover{stroke:#000;stroke-width:2}.sel{stroke:#000;stroke-width:3}
.violation{fill:#f33;opacity:.25;pointer-events:none}.viol-line{stroke:#d00;stroke-width:3;pointer-events:none}text{font-size:11px;pointer-events:none}`;

// Plain browser script, kept as a string: no bundler, no network.
const SCRIPT = String.raw`
const D = JSON.parse(document.getElementById("data").textContent);
const lanes = [...D.nodes, "clients"];
const X = (n) => 90 + lanes.indexOf(lanes.includes(n) ? n : "clients") * 150;
const laneOf = (e) => e.node || (e.action && e.action.node) || (e.kind === "fault" ? "*" : "clients");
const msgType = (e) => (e.msg && typeof e.msg === "object" && "type" in e.msg ? String(e.msg.type) : e.kind === "timer" ? "timer:" + (e.timer && e.timer.kind) : e.kind);
const isNoise = (e) => e.kind === "timer" || /heartbeat/i.test(msgType(e)) || (e.msg && e.msg.type === "append" && Array.isArray(e.msg.entries) && e.msg.entries.length === 0) || (e.msg && e.msg.type === "append-reply");
const shownNodes = new Set(lanes), shownTypes = new Set(D.trace.map(msgType));
const svg = document.getElementById("svg"), NS = "http://www.w3.org/2000/svg";
const el = (tag, attrs, parent) => { const x = document.createElementNS(NS, tag); for (const k in attrs) x.setAttribute(k, attrs[k]); (parent || svg).appendChild(x); return x; };
function filters(){
  const nf = document.getElementById("nodefilter"), mf = document.getElementById("msgfilter");
  for (const n of lanes) { const l = document.createElement("label"); l.innerHTML = '<input type="checkbox" checked data-node="'+n+'"> '+n; nf.appendChild(l); }
  for (const t of [...shownTypes].sort()) { const l = document.createElement("label"); l.innerHTML = '<input type="checkbox" checked data-type="'+t+'"> '+t; mf.appendChild(l); }
  document.querySelectorAll("#controls input").forEach((i) => i.addEventListener("change", () => { if (i.dataset.node) (i.checked ? shownNodes.add(i.dataset.node) : shownNodes.delete(i.dataset.node)); if (i.dataset.type) (i.checked ? shownTypes.add(i.dataset.type) : shownTypes.delete(i.dataset.type)); draw(); }));
  document.getElementById("zoom").addEventListener("input", draw);
}
const color = (e) => e.kind === "fault" ? "#c00" : e.kind === "drop" ? "#e80" : e.duplicate ? "#a0a" : e.kind === "timer" ? "#999" : e.kind === "request" || e.kind === "reply" || e.kind === "client-timeout" || e.kind === "request-lost" ? "#070" : "#36c";
const j = (v) => JSON.stringify(v === undefined ? null : v, null, 1).replace(/</g, "&lt;");
// The fields of the node's state that the step changed, before and after.
function stateDiff(s){
  if (!s) return '<p id="state">no node step at this event</p>';
  const b = s.before && typeof s.before === "object" ? s.before : { state: s.before }, a = s.after && typeof s.after === "object" ? s.after : { state: s.after };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const rows = keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).map((k) => '<tr><td><b>'+k+'</b></td><td><pre class="before">'+j(b[k])+'</pre></td><td><pre class="after">'+j(a[k])+'</pre></td></tr>');
  return '<h4>node state: changed fields (before → after)</h4><table id="state">'+(rows.join("") || "<tr><td>unchanged</td></tr>")+'</table><details><summary>whole state after</summary><pre>'+j(s.after)+'</pre></details>';
}
function show(e, i, node){
  document.querySelectorAll(".sel").forEach((x) => x.classList.remove("sel")); node.classList.add("sel");
  const lane = laneOf(e);
  const before = [...D.trace.slice(0, i)].reverse().find((x) => laneOf(x) === lane);
  document.getElementById("detail").innerHTML = '<h3 id="detail-title">#'+i+' '+e.kind+' at '+e.t+' ms on '+lane+'</h3><h4>event</h4><pre>'+JSON.stringify(e, null, 2).replace(/</g,"&lt;")+'</pre>'
    + stateDiff(D.states[i])
    + '<h4>this node\'s previous event</h4><pre>'+(before ? JSON.stringify(before, null, 2).replace(/</g,"&lt;") : "none")+'</pre>';
}
function draw(){
  const z = Number(document.getElementById("zoom").value), fold = document.getElementById("fold").checked;
  svg.innerHTML = "";
  const end = D.trace.length ? D.trace[D.trace.length - 1].t : 0, H = 60 + end * z + 40, W = 90 + lanes.length * 150;
  svg.setAttribute("width", W); svg.setAttribute("height", H);
  const Y = (t) => 50 + t * z;
  lanes.forEach((n) => { if (!shownNodes.has(n)) return; el("line", { x1: X(n), x2: X(n), y1: 40, y2: H, stroke: "#bbb" }); el("text", { x: X(n) - 20, y: 30, "font-weight": "bold" }).textContent = n; });
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].find((x) => x * z >= 40) || 20000;
  for (let t = 0; t <= end; t += step) el("text", { x: 4, y: Y(t) + 4, fill: "#888" }).textContent = t + " ms";
  const last = new Map(), same = new Map();
  let shown = 0;
  D.trace.forEach((e, i) => {
    const lane = laneOf(e);
    const prevFrom = e.from !== undefined ? last.get(e.from) : undefined;
    last.set(lane, e.t);
    if ((lane !== "*" && !shownNodes.has(lane)) || !shownTypes.has(msgType(e)) || (fold && isNoise(e))) return;
    shown++;
    // Events at the same time on the same lane sit side by side.
    const k = lane + "@" + Math.round(Y(e.t) / 8), nth = same.get(k) || 0; same.set(k, nth + 1);
    const x = (lane === "*" ? 60 : X(lane)) + nth * 13, y = Y(e.t);
    if (e.kind === "fault") { el("line", { x1: 80, x2: W, y1: y, y2: y, stroke: "#c00", "stroke-dasharray": "4 3" }); el("text", { x: W - 140, y: y - 2, fill: "#c00" }).textContent = (e.action && e.action.type) || "fault"; }
    if (e.from !== undefined && (e.kind === "deliver" || e.kind === "drop") && shownNodes.has(e.from)) {
      const y0 = Y(prevFrom === undefined ? Math.max(0, e.t - 1) : prevFrom);
      el("line", { x1: X(e.from), y1: y0, x2: e.kind === "drop" ? (X(e.from) + x) / 2 : x, y2: e.kind === "drop" ? (y0 + y) / 2 : y, stroke: color(e), "stroke-width": 1.2, "stroke-dasharray": e.kind === "drop" ? "3 2" : "" });
    }
    const c = el(e.kind === "fault" ? "rect" : "circle", e.kind === "fault" ? { x: x - 6, y: y - 6, width: 12, height: 12 } : { cx: x, cy: y, r: e.kind === "drop" ? 3 : 5 });
    c.setAttribute("fill", color(e)); c.setAttribute("class", "ev"); c.setAttribute("data-kind", e.kind); c.setAttribute("data-index", i);
    const title = el("title", {}, c); title.textContent = e.kind + " " + msgType(e) + " at " + e.t;
    c.addEventListener("click", () => show(e, i, c));
    if (e.kind === "drop" || e.duplicate) el("text", { x: x + 6, y: y + 4, fill: color(e) }).textContent = e.kind === "drop" ? "✗ " + (e.reason || "") : "dup";
  });
  if (D.violationAt !== null || D.failure) {
    const vy = Y(D.violationAt !== null ? D.violationAt : end);
    const v = el("rect", { id: "violation", x: 0, y: vy - 8, width: W, height: 16, class: "violation" });
    el("line", { x1: 0, x2: W, y1: vy, y2: vy, class: "viol-line" });
    el("text", { x: 90, y: vy - 10, fill: "#d00", "font-weight": "bold" }).textContent = "VIOLATION " + (D.failure || "");
    svg.setAttribute("data-shown", shown);
    return v;
  }
  svg.setAttribute("data-shown", shown);
}
filters();
// Start zoomed so the run is about a screen tall.
const endT = D.trace.length ? D.trace[D.trace.length - 1].t : 1;
document.getElementById("zoom").value = String(Math.min(40, Math.max(0.05, 700 / Math.max(1, endT))));
const v = draw();
const vi = document.getElementById("violation");
if (vi) vi.scrollIntoView({ block: "center" });
`;
