/**
 * A self-contained HTML picture of a checked history: one lane per client, each operation a bar
 * from call to return (open-ended when its outcome is unknown), the linearization found — or,
 * for an illegal history, the longest linearizable prefix and the operation that could not
 * follow it — marked, and a tooltip with each operation's details. No network access: inline
 * CSS and JS only.
 */
import { writeFileSync } from "node:fs";
import { operationText } from "./check.js";
import { isPending, UNKNOWN, type LinearizabilityResult, type Operation, type PartitionResult } from "./types.js";

/** Options of {@link renderHistoryHtml}. */
export interface HistoryHtmlOptions {
  /** The page title (default: the model's name and the verdict). */
  readonly title?: string;
}

const LANE = 26;
const LEFT = 110;

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Mark {
  role: "order" | "prefix" | "failing" | "none";
  position?: number;
  state?: string;
  part: PartitionResult;
}

/** Where each operation stands: its place in the order or prefix, the state after it, its role. */
function marks<S, I, O>(result: LinearizabilityResult<S, I, O>): Mark[] {
  const out: Mark[] = new Array<Mark>(result.operations.length);
  const { model } = result;
  for (const part of result.partitions) {
    for (const i of part.operations) out[i] = { role: "none", part };
    const seq = part.verdict === "ok" ? part.linearization : part.verdict === "illegal" ? part.longest : undefined;
    let state = model.init();
    (seq ?? []).forEach((i, k) => {
      const op = result.operations[i] as Operation<I, O>;
      try {
        state = model.step(state, op.input, isPending(op) ? UNKNOWN : op.output).state;
      } catch {
        // the checker already stepped it without error; describe what we can
      }
      const text = model.describeState ? model.describeState(state) : String(JSON.stringify(state));
      // Long states (appended values) are cut: the page must stay small for 20,000 operations.
      out[i] = { role: part.verdict === "ok" ? "order" : "prefix", position: k + 1, state: text.length > 160 ? `${text.slice(0, 60)} … ${text.slice(-80)} (${text.length} chars)` : text, part };
    });
    if (part.failing !== undefined) out[part.failing] = { role: "failing", part };
  }
  return out;
}

/** Renders the picture of a checked history as one HTML document (no external resources). */
export function renderHistoryHtml<S, I, O>(result: LinearizabilityResult<S, I, O>, options: HistoryHtmlOptions = {}): string {
  const ops = result.operations;
  const times = [...new Set(ops.flatMap((o) => (isPending(o) ? [o.call] : [o.call, o.ret])))].sort((a, b) => a - b);
  const rank = new Map(times.map((t, k) => [t, k]));
  const end = times.length;
  // Pixels per event: wide enough to read labels on small histories, compact on large ones.
  const STEP = Math.max(6, Math.min(64, Math.floor(1400 / Math.max(1, end))));
  const x = (t: number) => LEFT + (rank.get(t) as number) * STEP;
  // A bar ends 2px before its return's position, so the client's next call can start right there.
  const barWidth = (o: Operation<I, O>) => (isPending(o) ? Infinity : Math.max(Math.min(STEP - 4, 40), x(o.ret) - x(o.call) - 2));

  // Lanes: one per client in order of first appearance; overlapping operations of one client get sub-rows.
  const clients = [...new Set(ops.map((o) => String(o.client)))];
  const rowsOf = new Map<string, number[]>(clients.map((c) => [c, []]));
  const row = new Array<number>(ops.length);
  const byCall = ops.map((_, i) => i).sort((a, b) => (ops[a] as Operation<I, O>).call - (ops[b] as Operation<I, O>).call || a - b);
  for (const i of byCall) {
    const o = ops[i] as Operation<I, O>;
    const ends = rowsOf.get(String(o.client)) as number[];
    const left = x(o.call);
    let r = ends.findIndex((e) => e < left);
    if (r === -1) r = ends.push(0) - 1;
    ends[r] = left + barWidth(o);
    row[i] = r;
  }
  const laneTop = new Map<string, number>();
  let top = 0;
  const lanes: string[] = [];
  for (const c of clients) {
    laneTop.set(c, top);
    const h = Math.max(1, (rowsOf.get(c) as number[]).length) * LANE;
    lanes.push(`<div class="lane" style="top:${top}px;height:${h}px"><span class="client">${escape(c)}</span></div>`);
    top += h;
  }
  const width = LEFT + end * STEP + 60;
  const mark = marks(result);
  const bars = ops.map((o, i) => {
    const m = mark[i] as Mark;
    const left = x(o.call);
    // An unanswered operation stays open to the right edge of the plot.
    const size = isPending(o) ? "right:12px" : `width:${barWidth(o)}px`;
    const label = operationText(result.model, o);
    const cls = ["op", m.role, isPending(o) ? "pending" : "", m.part.verdict].filter(Boolean).join(" ");
    const y = (laneTop.get(String(o.client)) as number) + (row[i] as number) * LANE + 3;
    const tip = [
      `#${i} ${label}`,
      `client ${String(o.client)}`,
      `call ${o.call}, ${isPending(o) ? "no reply (outcome unknown)" : `return ${o.ret}`}`,
      m.part.key === undefined ? "" : `partition ${JSON.stringify(m.part.key)} (${m.part.skipped === true ? "not searched" : m.part.verdict})`,
      m.role === "order" ? `linearized #${m.position}; state after: ${m.state}` : "",
      m.role === "prefix" ? `in the longest linearizable prefix, #${m.position}; state after: ${m.state}` : "",
      m.role === "failing" ? "cannot take effect after the longest prefix before it returns" : "",
      m.role === "none" && m.part.verdict === "ok" && isPending(o) ? "never took effect in the order found" : "",
    ].filter(Boolean);
    const badge = m.position !== undefined ? `<b>${m.position}</b> ` : m.role === "failing" ? "<b>✗</b> " : "";
    return `<div class="${cls}" data-i="${i}" data-tip="${escape(tip.join("\n"))}" style="left:${left}px;top:${y}px;${size}">${badge}${escape(label)}</div>`;
  });
  const verdict = result.verdict === "ok" ? "linearizable" : result.verdict === "illegal" ? "NOT linearizable" : "unknown (budget ran out)";
  const title = options.title ?? `${result.model.name}: ${verdict}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body{font:13px system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:18px;margin:0 0 4px}
.verdict-ok{color:#17692c}.verdict-illegal{color:#b3261e}.verdict-unknown{color:#8a6d00}
.legend span{display:inline-block;padding:1px 8px;margin-right:8px;border-radius:3px}
#chart{position:relative;overflow:auto;border:1px solid #ccc;margin-top:10px;max-height:80vh}
#plot{position:relative;height:${top}px;width:${width}px;min-width:100%}
.lane{position:absolute;left:0;right:0;border-bottom:1px solid #eee}
.lane:nth-child(odd){background:#fafafa}
.client{position:sticky;left:0;display:inline-block;width:${LEFT - 10}px;padding:5px 4px;font-weight:600;background:inherit;z-index:2}
.op{position:absolute;height:${LANE - 6}px;line-height:${LANE - 6}px;box-sizing:border-box;padding:0 4px;border-radius:3px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-size:11px;cursor:default;background:#d6dbe1;border:1px solid #9aa5b1}
.op.order{background:#cfe8d5;border-color:#3d8b4f}
.op.prefix{background:#c9def5;border-color:#2f6db5}
.op.failing{background:#f6c7c3;border:2px solid #b3261e;font-weight:600}
.op.pending{border-style:dashed;border-right-style:none;border-radius:3px 0 0 3px;background-image:linear-gradient(to right,transparent 50%,#fff)}
.op:hover{outline:2px solid #222;z-index:3}
#tip{position:fixed;display:none;background:#222;color:#fff;padding:6px 8px;border-radius:4px;white-space:pre;font-size:12px;pointer-events:none;z-index:9;max-width:600px}
</style></head><body>
<h1 class="verdict-${result.verdict}">${escape(title)}</h1>
<div>${escape(result.message)}</div>
<div>${ops.length} operations, ${clients.length} clients, ${result.partitions.length} partition(s), ${result.steps} model steps. Horizontal position is the order of events (hover a bar for its times).</div>
<div class="legend" style="margin-top:6px"><span style="background:#cfe8d5">linearization order</span><span style="background:#c9def5">longest linearizable prefix</span><span style="background:#f6c7c3">operation that cannot follow it</span><span style="background:#d6dbe1">other</span><span style="border:1px dashed #9aa5b1">open end: no reply</span></div>
<div id="chart"><div id="plot">
${lanes.join("\n")}
${bars.join("\n")}
</div></div>
<div id="tip"></div>
<script>
(function(){var tip=document.getElementById("tip");
document.getElementById("plot").addEventListener("mousemove",function(e){var t=e.target.closest?e.target.closest(".op"):null;
if(!t){tip.style.display="none";return;}tip.textContent=t.getAttribute("data-tip");tip.style.display="block";
tip.style.left=Math.min(e.clientX+12,window.innerWidth-tip.offsetWidth-8)+"px";tip.style.top=(e.clientY+14)+"px";});
document.getElementById("plot").addEventListener("mouseleave",function(){tip.style.display="none";});})();
</script>
</body></html>
`;
}

/** Writes {@link renderHistoryHtml}'s page to `path`. */
export function writeHistoryHtml<S, I, O>(result: LinearizabilityResult<S, I, O>, path: string, options: HistoryHtmlOptions = {}): void {
  writeFileSync(path, renderHistoryHtml(result, options));
}
