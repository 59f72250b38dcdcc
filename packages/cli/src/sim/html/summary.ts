/**
 * The HTML summary of a sweep (`sweep --out dir` writes report.html): runs and speed, coverage
 * growth as a chart (distinct abstract states and transitions against runs), which fault kinds
 * fired, the sometimes-assertions never reached, and each failure with its replay command and its
 * picture. Self-contained: inline style and SVG, pictures embedded (`srcdoc`), no script needed.
 */
import { FAULT_KINDS, TRIGGER_TYPES } from "@faultline/check";
import type { GrowthPoint, SweepReport } from "../report.js";
import { esc } from "./diagram.js";

/** Kernel plan actions a sweep's timed faults turn into (their ends included). */
const ACTION_KINDS = [...FAULT_KINDS, "restart", "resume", "heal"] as const;
/** What a sweep's triggers count as when they fire (`triggerKind`: condition→response, and clogs): every pair the kernel allows. */
const TRIGGER_KINDS = [
  ...["crash", "crash-before-send", "crash-during-write", "isolate", "pause"].map((r) => `persist→${r}`),
  ...["drop", "duplicate", "hold"].map((r) => `send→${r}`),
  ...["crash", "isolate", "pause"].map((r) => `state→${r}`),
  ...TRIGGER_TYPES.filter((t) => t !== "trigger"),
];

/** Pictures of failures, by failure index (0-based): the page's HTML, embedded in the report. */
export type FailurePictures = Readonly<Record<number, string>>;

const rows = (pairs: readonly (readonly [string, string])[]) => pairs.map(([a, b]) => `<tr><td>${esc(a)}</td><td>${esc(b)}</td></tr>`).join("");

/** The summary page. `pictures` are embedded; failures without one link `failure-k.html` when `linked`. */
export function sweepSummaryHtml(r: SweepReport, seconds?: number, pictures: FailurePictures = {}, linked = 10): string {
  const never = r.coverage.sometimes.filter((s) => s.firstRun === null);
  const failures = r.failures
    .map((f, i) => {
      const pic = pictures[i];
      const picture = pic !== undefined ? `<iframe class="picture" title="the picture of failure ${i + 1}" srcdoc="${esc(pic)}"></iframe><p><a href="failure-${i + 1}.html">open the picture on its own</a></p>` : i < linked ? `<p><a href="failure-${i + 1}.html">the picture of this run</a></p>` : "";
      return `<section class="failure"><h3>Failure ${i + 1}: run ${f.run}</h3><p><b>${esc(f.property)}</b>: ${esc(f.message)}</p><p>shrunk to ${f.size} fault action(s), trace hash ${esc(f.traceHash)}</p><pre>faultline replay ${esc(f.token)} --html failure-${i + 1}.html</pre>${f.plan.length ? `<details><summary>its ${f.plan.length} plan action(s)</summary><table>${rows(f.plan.map((a) => [`${a.at} ms`, JSON.stringify(a)] as const))}</table></details>` : ""}${picture}</section>`;
    })
    .join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>sweep of ${esc(r.system)}</title><style>${STYLE}</style></head><body>
<h1>Sweep of ${esc(r.system)}</h1><p id="verdict" class="${r.ok ? "good" : "bad"}">${r.ok ? "no failure" : `${r.failures.length} failure(s)`}</p>
<table id="summary">${rows([["runs", String(r.runs)], ["mode", r.mode], ["seed", String(r.seed)], ...(seconds !== undefined ? [["runs/s", (r.runs / seconds).toFixed(1)] as const] : []), ["abstract states", String(r.coverage.states)], ["abstract transitions", String(r.coverage.transitions)], ...(r.mode === "guided" ? [["corpus", String(r.coverage.corpus)] as const] : [])])}</table>
<h2>Abstract states over time</h2>${growthChart(r.coverage.growth)}
<h2>Sometimes-assertions never reached</h2>${never.length ? `<ul id="never">${never.map((s) => `<li class="bad">${esc(s.name)}</li>`).join("")}</ul>` : `<p id="never" class="good">none: every one was reached</p>`}
<details><summary>all sometimes-assertions</summary><table>${rows(r.coverage.sometimes.map((s) => [s.name, s.firstRun === null ? "NEVER reached" : `first at run ${s.firstRun}`] as const))}</table></details>
<h2>Fault kinds</h2>${faultTable(r)}
<h2>Failures</h2>${failures || "<p>none</p>"}</body></html>\n`;
}

/** Which fault kinds fired and how often: every kind a sweep can draw, the ones never fired marked. */
function faultTable(r: SweepReport): string {
  const fired = r.coverage.fired;
  const known: readonly string[] = [...ACTION_KINDS, ...TRIGGER_KINDS];
  const other = Object.keys(fired).filter((k) => !known.includes(k));
  const row = (k: string, trigger: boolean) => {
    const n = fired[k] ?? 0;
    return `<tr class="${n > 0 ? "fired" : "unfired"}"><td>${esc(k)}</td><td>${trigger ? "trigger" : "timed"}</td><td>${n > 0 ? String(n) : "never"}</td></tr>`;
  };
  return `<table id="faults"><tr><th>kind</th><th></th><th>fired</th></tr>${[...ACTION_KINDS, ...other].map((k) => row(k, k.includes("→"))).join("")}${TRIGGER_KINDS.map((k) => row(k, true)).join("")}</table>${r.mode === "plain" || r.mode === "swarm" ? `<p class="note">Mode ${r.mode} draws no triggers.</p>` : ""}`;
}

/** A line chart of distinct states and transitions against runs (inline SVG). */
export function growthChart(points: readonly GrowthPoint[]): string {
  if (points.length === 0) return "<p>no runs</p>";
  const W = 640;
  const H = 260;
  const L = 56;
  const B = 34;
  const last = points[points.length - 1] as GrowthPoint;
  const stepX = niceStep(last.runs);
  const stepY = niceStep(Math.max(...points.map((p) => Math.max(p.states, p.transitions))));
  const maxX = Math.max(1, Math.ceil(last.runs / stepX) * stepX);
  const maxY = Math.max(1, Math.ceil(Math.max(...points.map((p) => Math.max(p.states, p.transitions))) / stepY) * stepY);
  const x = (v: number) => (L + (v / maxX) * (W - L - 12)).toFixed(1);
  const y = (v: number) => (H - B - (v / maxY) * (H - B - 12)).toFixed(1);
  const line = (f: (p: GrowthPoint) => number) => [{ runs: 0, states: 0, transitions: 0 }, ...points].map((p) => `${x(p.runs)},${y(f(p))}`).join(" ");
  const ticks = (max: number, step: number) => Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
  const axes = [
    ...ticks(maxY, stepY).map((v) => `<text x="${L - 6}" y="${y(v)}" text-anchor="end" dy="4">${v}</text><line x1="${L}" x2="${W - 12}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`),
    ...ticks(maxX, stepX).map((v) => `<text x="${x(v)}" y="${H - B + 16}" text-anchor="middle">${v}</text>`),
  ].join("");
  return `<svg id="growth" width="${W}" height="${H}" role="img" aria-label="distinct abstract states and transitions against runs" data-points="${points.length}">${axes}
<line x1="${L}" y1="${H - B}" x2="${W - 12}" y2="${H - B}" stroke="#888"/><line x1="${L}" y1="12" x2="${L}" y2="${H - B}" stroke="#888"/>
<polyline class="transitions" fill="none" stroke="#c60" stroke-width="2" points="${line((p) => p.transitions)}"/><polyline class="states" fill="none" stroke="#36c" stroke-width="2" points="${line((p) => p.states)}"/>
<text x="${(W + L) / 2}" y="${H - 4}" text-anchor="middle">runs</text><text x="${L + 8}" y="24" style="fill:#36c">states ${last.states}</text><text x="${L + 8}" y="40" style="fill:#c60">transitions ${last.transitions}</text></svg>
<p class="note">One point per chunk of runs, in index order (the same for any number of workers or shards). A curve still rising at the right means more runs would likely find more.</p>`;
}

/** A round tick step (1, 2 or 5 times a power of ten) giving about four ticks up to `max`. */
function niceStep(max: number): number {
  const raw = Math.max(1, max) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return Math.max(1, (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p);
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:20px;max-width:1100px}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}table{border-collapse:collapse;margin:6px 0}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:6px}.bad{color:#b00}.good{color:#070}.note{color:#666;font-size:12px}
tr.unfired td{color:#999}tr.fired td:last-child{font-weight:bold}svg text{font-size:11px;fill:#555}iframe.picture{width:100%;height:600px;border:1px solid #ccc}section.failure{border-top:1px solid #ddd;margin-top:14px}`;
