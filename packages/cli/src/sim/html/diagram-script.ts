/**
 * The diagram page's browser script, kept as a plain string: no bundler, no network. It reads the
 * run from the page's JSON and draws it into the SVG; every redraw (zoom, filters, folding) starts
 * over from the data.
 *
 * Geometry the Chromium test checks: lane n's axis is at x = X(n); virtual time t is at
 * y = 50 + t · zoom; a message's arrow (`line.msg`) starts at (X(from), Y(sentAt)) and ends at the
 * receiver's event (a delivery) or at a cross (a drop).
 */
export const DIAGRAM_SCRIPT = String.raw`
const D = JSON.parse(document.getElementById("data").textContent);
// A trigger appears twice in the trace: armed (its plan action, at its time) and, if it fired, the
// same action again when it fired — during a step of the node it hit (for a send trigger, the
// sender), so that node is the one whose step event (or restart) came last at that time.
(function triggers(){
  const count = new Map();
  D.trace.forEach((e, i) => {
    if (e.kind !== "fault" || !e.action || e.action.type !== "trigger") return;
    const k = JSON.stringify(e.action), n = count.get(k) || 0; count.set(k, n + 1);
    if (n === 0) { e.armed = true; return; }
    e.fired = true;
    for (let j = i - 1; j >= 0 && D.trace[j].t === e.t; j--) {
      const x = D.trace[j];
      if ((x.kind === "deliver" || x.kind === "timer" || x.kind === "request") && x.node) { e.hit = x.node; break; }
      if (x.kind === "fault" && x.action && x.action.type === "restart") { e.hit = x.action.node; break; }
    }
  });
})();
const lanes = [...D.nodes, "clients"];
const X = (n) => 90 + lanes.indexOf(lanes.includes(n) ? n : "clients") * 150;
const laneOf = (e) => e.node || e.hit || (e.action && e.action.node) || (e.kind === "fault" ? "*" : "clients");
const msgType = (e) => (e.msg && typeof e.msg === "object" && "type" in e.msg ? String(e.msg.type) : e.kind === "timer" ? "timer:" + (e.timer && e.timer.kind) : e.kind);
const isNoise = (e) => e.kind === "timer" || /heartbeat/i.test(msgType(e)) || (e.msg && e.msg.type === "append" && Array.isArray(e.msg.entries) && e.msg.entries.length === 0) || (e.msg && e.msg.type === "append-reply");
const isMessage = (e) => (e.kind === "deliver" || e.kind === "drop") && e.from !== undefined;
const isArming = (e) => e.armed === true;
const isFired = (e) => e.fired === true && e.hit !== undefined;
const shownNodes = new Set(lanes), shownTypes = new Set(D.trace.map(msgType));
const svg = document.getElementById("svg"), NS = "http://www.w3.org/2000/svg";
const el = (tag, attrs, parent) => { const x = document.createElementNS(NS, tag); for (const k in attrs) x.setAttribute(k, attrs[k]); (parent || svg).appendChild(x); return x; };
const endT = D.trace.length ? D.trace[D.trace.length - 1].t : 0;
const triggerText = (a) => a.when.on + (a.when.node || a.when.from ? " " + (a.when.node || a.when.from) : "") + (a.when.msgType || a.when.recordType ? " " + (a.when.msgType || a.when.recordType) : "") + (a.when.path ? " " + a.when.path + "=" + a.when.equals : "") + " → " + a.then.do;

// Lane states over the whole run (filters do not change them): down (crashed), paused, and cut
// off (some link to or from another node blocked by a partition, block or isolation).
function laneStates(){
  const out = [], open = new Map(), blocked = new Set();
  const start = (n, kind, t, note, share = 1) => { const k = n + "|" + kind; if (!open.has(k)) open.set(k, { node: n, kind, from: t, note, share }); };
  const stop = (n, kind, t) => { const k = n + "|" + kind, o = open.get(k); if (o) { out.push({ ...o, to: t }); open.delete(k); return true; } return false; };
  const cut = (t) => D.nodes.forEach((n) => {
    const peers = D.nodes.filter((m) => m !== n && (blocked.has(n + ">" + m) || blocked.has(m + ">" + n)));
    const o = open.get(n + "|cut"), note = "cut off from " + peers.join(", ");
    if (o && o.note !== note) stop(n, "cut", t);
    // share: the part of the cluster it cannot talk to (a minority side is shaded darker).
    if (peers.length > 0) start(n, "cut", t, note, peers.length / Math.max(1, D.nodes.length - 1));
  });
  const isolate = (n) => D.nodes.forEach((m) => { if (m !== n) { blocked.add(n + ">" + m); blocked.add(m + ">" + n); } });
  D.trace.forEach((e, i) => {
    if (e.kind !== "fault") {
      // A step means the node is up (a trigger's restart after N steps has no event of its own).
      if ((e.kind === "deliver" || e.kind === "timer" || e.kind === "request") && e.node) stop(e.node, "down", e.t);
      return;
    }
    const a = e.action || {};
    if (isFired(e)) {
      const d = a.then.do;
      if (d === "crash" || d === "crash-before-send" || d === "crash-during-write") start(e.hit, "down", e.t, "crashed (trigger " + triggerText(a) + ")");
      if (d === "pause") start(e.hit, "paused", e.t, "paused (trigger)");
      if (d === "isolate") isolate(e.hit);
    }
    if (a.type === "crash") start(a.node, "down", e.t, "crashed");
    // A restart of a node that is up or a resume of one not paused changes nothing: drawn faint.
    if (a.type === "restart" && !stop(a.node, "down", e.t)) NOOP.add(i);
    if (a.type === "pause") start(a.node, "paused", e.t, "paused");
    if (a.type === "resume" && !stop(a.node, "paused", e.t)) NOOP.add(i);
    if (a.type === "isolate") isolate(a.node);
    if (a.type === "block") blocked.add(a.from + ">" + a.to);
    if (a.type === "partition") a.groups.forEach((g, gi) => a.groups.forEach((h, hi) => { if (gi !== hi) for (const x of g) for (const y of h) blocked.add(x + ">" + y); }));
    if (a.type === "heal" && blocked.size === 0) NOOP.add(i);
    if (a.type === "heal") blocked.clear();
    cut(e.t);
  });
  for (const o of open.values()) out.push({ ...o, to: endT });
  return out;
}
const NOOP = new Set(); // indices of fault events that changed nothing
const STATES = laneStates();

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
  const sent = isMessage(e) ? '<p id="sent">sent by '+e.from+' at '+e.sentAt+' ms'+(e.kind === "drop" ? ', dropped ('+e.reason+')' : ', delivered after '+(e.t - e.sentAt)+' ms')+(e.duplicate ? ', a duplicate' : '')+'</p>' : '';
  document.getElementById("detail").innerHTML = '<h3 id="detail-title">#'+i+' '+e.kind+' at '+e.t+' ms on '+lane+'</h3>'+sent+'<h4>event</h4><pre>'+JSON.stringify(e, null, 2).replace(/</g,"&lt;")+'</pre>'
    + stateDiff(D.states[i])
    + '<h4>this node\'s previous event</h4><pre>'+(before ? JSON.stringify(before, null, 2).replace(/</g,"&lt;") : "none")+'</pre>';
}
function defs(){
  const d = el("defs", {});
  for (const [id, c] of [["arrow", "#36c"], ["arrow-dup", "#a0a"], ["arrow-client", "#070"]]) {
    const m = el("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, d);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: c }, m);
  }
  for (const [id, c] of [["hatch-down", "#777"], ["hatch-paused", "#c90"]]) {
    const p = el("pattern", { id, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, d);
    el("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: c, "stroke-width": 3 }, p);
  }
}
function cross(x, y, c){ el("path", { d: "M"+(x-5)+","+(y-5)+" L"+(x+5)+","+(y+5)+" M"+(x+5)+","+(y-5)+" L"+(x-5)+","+(y+5), stroke: c, "stroke-width": 2.2, class: "cross" }); }
function draw(){
  const z = Number(document.getElementById("zoom").value), fold = document.getElementById("fold").checked;
  svg.innerHTML = ""; defs();
  const H = 60 + endT * z + 40, W = 90 + lanes.length * 150;
  svg.setAttribute("width", W); svg.setAttribute("height", H); svg.setAttribute("data-zoom", z);
  const Y = (t) => 50 + t * z;
  for (const s of STATES) {
    if (!shownNodes.has(s.node)) continue;
    const y0 = Y(s.from), h = Math.max(3, Y(s.to) - y0);
    const r = el("rect", { x: X(s.node) - 9, y: y0, width: 18, height: h, class: "lane-state " + s.kind, "data-node": s.node, "data-from": s.from, "data-to": s.to,
      fill: s.kind === "down" ? "url(#hatch-down)" : s.kind === "paused" ? "url(#hatch-paused)" : "#f7b267", opacity: s.kind === "cut" ? 0.15 + 0.45 * s.share : 0.7 });
    el("title", {}, r).textContent = s.note + " (" + s.from + "–" + s.to + " ms)";
    el("text", { x: X(s.node) + 11, y: y0 + 18, fill: s.kind === "down" ? "#555" : s.kind === "paused" ? "#a70" : "#c60" }).textContent = s.kind === "cut" ? s.note : s.kind;
  }
  // Lane names in a header that stays in view while the lanes scroll.
  const head = document.getElementById("lanehead");
  head.style.width = W + "px";
  head.innerHTML = lanes.filter((n) => shownNodes.has(n)).map((n) => '<span style="left:' + (X(n) - 20) + 'px">' + n + '</span>').join("");
  lanes.forEach((n) => { if (!shownNodes.has(n)) return; el("line", { x1: X(n), x2: X(n), y1: 40, y2: H, stroke: "#bbb", class: "lane", "data-lane": n }); });
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].find((x) => x * z >= 40) || 20000;
  for (let t = 0; t <= endT; t += step) el("text", { x: 4, y: Y(t) + 4, fill: "#888" }).textContent = t + " ms";
  const same = new Map();
  let shown = 0;
  D.trace.forEach((e, i) => {
    const lane = laneOf(e);
    if ((lane !== "*" && !shownNodes.has(lane)) || !shownTypes.has(msgType(e)) || (fold && isNoise(e))) return;
    shown++;
    // Events at the same time on the same lane sit side by side.
    const k = lane + "@" + Math.round(Y(e.t) / 8), nth = same.get(k) || 0; same.set(k, nth + 1);
    const x = (lane === "*" ? 60 : X(lane)) + nth * 13, y = Y(e.t);
    let ex = x, ey = y; // where the event's dot goes
    if (isArming(e)) { el("text", { x: 4, y: y + 14, fill: "#999", class: "armed" }).textContent = "armed: " + triggerText(e.action); return; }
    if (NOOP.has(i)) { const f = el("rect", { x: x - 4, y: y - 4, width: 8, height: 8, fill: "#c00", opacity: 0.2, class: "ev noop", "data-kind": e.kind, "data-index": i }); el("title", {}, f).textContent = e.action.type + " (no effect) at " + e.t; f.addEventListener("click", () => show(e, i, f)); return; }
    if (e.kind === "fault" && lane === "*") { el("line", { x1: 80, x2: W, y1: y, y2: y, stroke: "#c00", "stroke-dasharray": "4 3" }); el("text", { x: W - 140, y: y - 2, fill: "#c00" }).textContent = (e.action && e.action.type) || "fault"; }
    if (isMessage(e) && shownNodes.has(e.from)) {
      const x0 = X(e.from), y0 = Y(e.sentAt !== undefined ? e.sentAt : e.t);
      // A message lost as it was sent ends halfway, a little later; one lost on arrival ends at its receiver.
      const lost = e.kind === "drop" && e.t === e.sentAt;
      let x1 = lost ? (x0 + x) / 2 : x, y1 = lost ? y0 + 12 : y;
      if (lost) { ex = x1; ey = y1; }
      else if (e.kind === "deliver") { const dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy) || 1; x1 -= (dx / len) * 6; y1 -= (dy / len) * 6; } // the head stays outside the dot
      const line = el("line", { x1: x0, y1: y0, x2: x1, y2: y1, stroke: color(e), "stroke-width": 1.3, class: "msg", "data-index": i, "data-from": e.from, "data-sent": e.sentAt, "data-t": e.t, "data-kind": e.kind,
        ...(e.kind === "deliver" ? { "marker-end": e.duplicate ? "url(#arrow-dup)" : "url(#arrow)" } : {}), ...(e.kind === "drop" || e.duplicate ? { "stroke-dasharray": e.duplicate ? "6 3" : "3 2" } : {}) });
      el("title", {}, line).textContent = msgType(e) + " " + e.from + "→" + e.node + ", sent " + e.sentAt + " ms, " + (e.kind === "drop" ? "dropped (" + e.reason + ")" : "delivered") + " " + e.t + " ms";
      if (e.kind === "drop") { cross(x1, y1, "#e80"); el("text", { x: x1 + 7, y: y1 + 4, fill: "#e80" }).textContent = e.reason || "dropped"; }
      if (e.duplicate) el("text", { x: x + 7, y: y - 4, fill: "#a0a", class: "dup" }).textContent = "dup";
    }
    if (e.kind === "request" || e.kind === "reply") {
      const a = e.kind === "request" ? X("clients") : x, b = e.kind === "request" ? x : X("clients");
      if (shownNodes.has("clients")) el("line", { x1: a, y1: y, x2: b, y2: y, stroke: "#070", "stroke-opacity": 0.25, class: "client-msg" });
    }
    const shape = e.kind === "fault" ? (isFired(e) ? "path" : "rect") : "circle";
    const c = el(shape, shape === "rect" ? { x: x - 6, y: y - 6, width: 12, height: 12 } : shape === "path" ? { d: "M"+x+","+(y-8)+" L"+(x+8)+","+y+" L"+x+","+(y+8)+" L"+(x-8)+","+y+" z" } : { cx: ex, cy: ey, r: e.kind === "drop" ? 3 : 5 });
    c.setAttribute("fill", isFired(e) ? "#f0c" : color(e)); c.setAttribute("class", "ev" + (isFired(e) ? " fired" : "")); c.setAttribute("data-kind", e.kind); c.setAttribute("data-index", i);
    el("title", {}, c).textContent = e.kind + " " + msgType(e) + " at " + e.t;
    c.addEventListener("click", () => show(e, i, c));
    if (isFired(e)) el("text", { x: x + 10, y: y + 4, fill: "#b0a", "font-weight": "bold" }).textContent = "⚡ " + triggerText(e.action);
    else if (e.kind === "fault" && lane !== "*") el("text", { x: x + 10, y: y + 4, fill: "#c00" }).textContent = e.action.type;
  });
  svg.setAttribute("data-shown", shown);
  if (D.violationAt !== null || D.failure) {
    const vy = Y(D.violationAt !== null ? D.violationAt : endT);
    el("rect", { id: "violation", x: 0, y: vy - 8, width: W, height: 16, class: "violation" });
    el("line", { x1: 0, x2: W, y1: vy, y2: vy, class: "viol-line" });
    el("text", { x: 90, y: vy - 10, fill: "#d00", "font-weight": "bold" }).textContent = "VIOLATION " + (D.failure || "");
  }
}
filters();
// Start zoomed so unfolded events sit about 8 px apart (the median gap between their distinct
// times): at least a screen tall, at most 30,000 px.
function startZoom(){
  const ts = [...new Set(D.trace.filter((e) => !isNoise(e)).map((e) => e.t))].sort((a, b) => a - b);
  const gaps = ts.slice(1).map((t, i) => t - ts[i]).sort((a, b) => a - b), med = gaps.length ? gaps[gaps.length >> 1] : 1;
  const lo = 700 / Math.max(1, endT), hi = Math.min(40, 30000 / Math.max(1, endT));
  return Math.max(0.05, Math.min(hi, Math.max(lo, 8 / Math.max(0.1, med))));
}
document.getElementById("zoom").value = String(startZoom());
draw();
// Scroll the lanes (only them: scrollIntoView would also scroll a report embedding this page) to the violation.
const vi = document.getElementById("violation"), pane = document.getElementById("lanes");
if (vi) pane.scrollTop = Math.max(0, Number(vi.getAttribute("y")) + 18 - pane.clientHeight / 2);
`;
