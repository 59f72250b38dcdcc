/** The HTML summary of a sweep (`sweep --out dir` writes report.html): runs, speed, failures, faults, coverage. */
import type { SweepReport } from "../report.js";
import { esc } from "./diagram.js";

/** The summary page; each failure links its replay command (pictures: `faultline replay … --html`). */
export function sweepSummaryHtml(r: SweepReport, seconds?: number): string {
  const rows = (pairs: readonly (readonly [string, string])[]) => pairs.map(([a, b]) => `<tr><td>${esc(a)}</td><td>${esc(b)}</td></tr>`).join("");
  const failures = r.failures
    .map((f, i) => `<section class="failure"><h3>Failure ${i + 1}: run ${f.run}</h3><p><b>${esc(f.property)}</b>: ${esc(f.message)}</p><p>shrunk to ${f.size} fault action(s), trace hash ${esc(f.traceHash)}</p>${i < 10 ? `<p><a href="failure-${i + 1}.html">the picture of this run</a></p>` : ""}<pre>faultline replay ${esc(f.token)} --html failure-${i + 1}.html</pre>${f.plan.length ? `<table>${rows(f.plan.map((a) => [`${a.at} ms`, JSON.stringify(a)] as const))}</table>` : ""}</section>`)
    .join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>sweep of ${esc(r.system)}</title><style>body{font:14px system-ui,sans-serif;margin:20px}td{border:1px solid #ccc;padding:2px 8px}pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:6px}.bad{color:#b00}.good{color:#070}</style></head><body>
<h1>Sweep of ${esc(r.system)}</h1><p class="${r.ok ? "good" : "bad"}">${r.ok ? "no failure" : `${r.failures.length} failure(s)`}</p>
<table>${rows([["runs", String(r.runs)], ["mode", r.mode], ["seed", String(r.seed)], ...(seconds !== undefined ? [["runs/s", (r.runs / seconds).toFixed(1)] as const] : []), ["abstract states", String(r.coverage.states)], ["abstract transitions", String(r.coverage.transitions)]])}</table>
<h2>Faults fired</h2><table>${rows(Object.entries(r.coverage.fired).map(([k, v]) => [k, String(v)] as const))}</table>
<h2>Sometimes-assertions</h2><table>${rows(r.coverage.sometimes.map((s) => [s.name, s.firstRun === null ? "NEVER reached" : `first at run ${s.firstRun}`] as const))}</table>
<h2>Failures</h2>${failures || "<p>none</p>"}</body></html>\n`;
}
