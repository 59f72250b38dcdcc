/**
 * A run as a self-contained HTML space–time diagram: one lane per node (and one for clients),
 * time downwards, messages as arrows from their send time on the sender's lane (the trace's
 * `sentAt`) to their delivery, drops ending in a cross, duplicates dashed; crashes and pauses as
 * hatched lane states, partitions as lane shading, fired triggers as diamonds; client requests
 * and replies; the violation highlighted and scrolled to. Clicking an event shows it and the
 * node's state before and after. Zoom, a node filter, a message-type filter and a "fold timers"
 * switch. No network access: data, script and style are inline.
 */
import type { TraceEvent } from "@faultline/kernel";
import { DIAGRAM_SCRIPT } from "./diagram-script.js";

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
<div id="legend"><span class="k" style="color:#36c">→ message</span> <span class="k" style="color:#a0a">⇢ duplicate</span> <span class="k" style="color:#e80">✗ dropped</span> <span class="k"><i class="sw down"></i> down</span> <span class="k"><i class="sw paused"></i> paused</span> <span class="k"><i class="sw cut"></i> cut off (partition)</span> <span class="k" style="color:#b0a">◆ fired trigger</span> <span class="k" style="color:#c00">■ fault</span> <span class="k" style="color:#070">● client request/reply</span></div>
<div id="controls">zoom <input id="zoom" type="range" min="0.05" max="40" step="0.05" value="0.6"> <label><input id="fold" type="checkbox" checked> fold timers and heartbeats</label> nodes <span id="nodefilter"></span> messages <span id="msgfilter"></span></div></header>
<main><div id="lanes"><div id="lanehead"></div><svg id="svg"></svg></div><aside id="detail"><p>Click an event for its details.</p></aside></main>
<script id="data" type="application/json">${data}</script><script>${DIAGRAM_SCRIPT}</script></body></html>\n`;
}

const STYLE = `body{font:13px system-ui,sans-serif;margin:0;color:#222}header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ccc;padding:6px 10px;z-index:2}
h1{font-size:15px;margin:0 0 4px}.bad{color:#b00;font-weight:bold}.good{color:#070}#controls label{margin-right:6px}
main{display:flex}#lanes{flex:1;overflow:auto;height:calc(100vh - 110px)}aside{width:34%;border-left:1px solid #ccc;padding:8px;overflow:auto;height:calc(100vh - 126px)}
pre{white-space:pre-wrap;font-size:12px;background:#f6f6f6;padding:6px}.before{background:#fee}.after{background:#efe}.ev{cursor:pointer}.ev:hover{stroke:#000;stroke-width:2}.sel{stroke:#000;stroke-width:3}
.violation{fill:#f33;opacity:.25;pointer-events:none}#legend{font-size:12px;margin-bottom:3px}#legend .k{margin-right:10px}.sw{display:inline-block;width:10px;height:10px;vertical-align:middle}.sw.down{background:repeating-linear-gradient(45deg,#777 0 2px,#fff 2px 4px)}.sw.paused{background:repeating-linear-gradient(45deg,#c90 0 2px,#fff 2px 4px)}.sw.cut{background:#f7b267}
.lane-state,.msg,.cross,.client-msg{pointer-events:none}.viol-line{stroke:#d00;stroke-width:3;pointer-events:none}text{font-size:11px;pointer-events:none}
#lanehead{position:sticky;top:0;height:18px;background:rgba(255,255,255,.9);border-bottom:1px solid #eee;z-index:1}#lanehead span{position:absolute;top:1px;font-weight:bold}`;
