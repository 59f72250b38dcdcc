/**
 * The one failure printer behind `formatFailure` (property runner) and `formatSweepFailure`
 * (search): what broke, the seed as run, every node's role and state at the violation, the
 * events that involve the violating nodes and requests first (timer and heartbeat noise folded
 * into counts), and the line to paste.
 */
import type { AnyProtocol, NodeId, TraceEvent, WorldView } from "@faultline/kernel";

/** One node at the violation, as the printer shows it. */
export interface NodeSummary {
  readonly id: NodeId;
  readonly protocol: string;
  readonly up: boolean;
  readonly paused: boolean;
  /** The protocol's `describe(state)`, or the state's JSON cut short; "down" while crashed. */
  readonly summary: string;
}

/** How much of a failure's trace the printer shows. */
export interface FormatOptions {
  /** Most events shown (default 20; folded noise lines do not count). */
  readonly events?: number;
  /** Show every kept event in order, nothing folded or filtered (default false). */
  readonly all?: boolean;
  /** Which events are noise to fold (default: timers, and messages that are heartbeats or carry no entries). */
  readonly noise?: (e: TraceEvent) => boolean;
}

/** What the printer needs from a failure (property runner and sweep alike). */
export interface FailureText {
  readonly property: string;
  readonly message: string;
  /** Lines after the first one: runs, seed, plan, workload. */
  readonly facts: readonly string[];
  readonly lastEvents: readonly TraceEvent[];
  readonly nodes?: readonly NodeSummary[];
  readonly replayLine: string;
}

const STATE_CHARS = 100;

/** Every node of `view`, summarised with its protocol's `describe` when it has one. */
export function summarizeNodes(view: WorldView, protocols: ReadonlyMap<NodeId, AnyProtocol>): NodeSummary[] {
  return view.nodes.map((n) => {
    const describe = protocols.get(n.id)?.describe;
    let summary: string;
    if (n.state === undefined) summary = "down";
    else {
      try {
        summary = describe ? describe(n.state) : cut(JSON.stringify(n.state) ?? String(n.state));
      } catch (err) {
        summary = `(describe threw: ${(err as Error).message})`;
      }
    }
    return { id: n.id, protocol: n.protocol, up: n.up, paused: n.paused, summary };
  });
}

function cut(s: string): string {
  return s.length <= STATE_CHARS ? s : `${s.slice(0, STATE_CHARS)}…`;
}

/** Timers, and deliveries or drops of heartbeats (a message type naming one, or an empty `entries` list). */
export function isNoise(e: TraceEvent): boolean {
  if (e.kind === "timer") return true;
  if (e.kind !== "deliver" && e.kind !== "drop") return false;
  const msg = e.msg as { type?: unknown; entries?: unknown } | null;
  if (msg === null || typeof msg !== "object") return false;
  if (typeof msg.type === "string" && /heartbeat|ping/i.test(msg.type)) return true;
  return Array.isArray(msg.entries) && msg.entries.length === 0;
}

/** The label a folded event is counted under: the timer's kind or the message's type. */
function noiseLabel(e: TraceEvent): string {
  if (e.kind === "timer") return `timer ${e.timer?.kind ?? "?"}`;
  const msg = e.msg as { type?: unknown; entries?: unknown } | null;
  const type = typeof msg?.type === "string" ? msg.type : "message";
  return Array.isArray(msg?.entries) && msg.entries.length === 0 ? `${type} (empty)` : type;
}

/** Node ids the violation message names (whole words), in configuration order. */
export function namedNodes(message: string, ids: readonly NodeId[]): NodeId[] {
  return ids.filter((id) => new RegExp(`(^|[^\\w-])${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w-])`).test(message));
}

/** Client requests the violation message names as `client#id`. */
export function namedRequests(message: string): Set<string> {
  return new Set(message.match(/[\w-]+#\d+/g) ?? []);
}

const CLIENT_KINDS = new Set(["request", "reply", "client-timeout", "request-lost"]);

/** One event in a line: time, kind, where, what. */
export function eventLine(e: TraceEvent): string {
  const at = `${e.t} ms`;
  switch (e.kind) {
    case "deliver":
    case "drop":
      return `${at} ${e.kind}${e.duplicate ? " (duplicate)" : ""} ${e.from} → ${e.node}${e.reason ? ` (${e.reason})` : ""}: ${JSON.stringify(e.msg)}`;
    case "timer":
      return `${at} timer at ${e.node}: ${JSON.stringify(e.timer)}`;
    case "fault":
      return `${at} fault: ${JSON.stringify(e.action)}`;
    case "reply":
      return `${at} reply ${e.node} → ${e.client}#${e.id}: ${JSON.stringify(e.res)}`;
    default:
      return `${at} ${e.kind} ${e.client}#${e.id} at ${e.node}: ${JSON.stringify(e.req)}`;
  }
}

/**
 * The events worth reading first: those at or from the nodes the violation names (or, when it
 * names none, every node), every client request, reply and fault; noise between them folded into
 * one counted line. With `all`, every event as it came.
 */
export function selectEvents(events: readonly TraceEvent[], message: string, ids: readonly NodeId[], options: FormatOptions = {}): string[] {
  const limit = options.events ?? 20;
  if (options.all) return events.map(eventLine);
  const noise = options.noise ?? isNoise;
  const nodes = new Set(namedNodes(message, ids));
  const requests = namedRequests(message);
  const relevant = (e: TraceEvent) => {
    if (e.kind === "fault" || CLIENT_KINDS.has(e.kind)) return true;
    if (noise(e)) return false;
    return nodes.size === 0 || (e.node !== undefined && nodes.has(e.node)) || (e.from !== undefined && nodes.has(e.from));
  };
  const lines: string[] = [];
  let shown = 0;
  let folded = new Map<string, number>();
  const flush = () => {
    if (folded.size === 0) return;
    const total = [...folded.values()].reduce((a, b) => a + b, 0);
    const parts = [...folded.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} ×${n}`);
    lines.push(`… ${total} event(s) folded: ${parts.join(", ")}`);
    folded = new Map();
  };
  // Newest first, so the window keeps the events nearest the violation; reversed at the end.
  for (let i = events.length - 1; i >= 0 && shown < limit; i--) {
    const e = events[i] as TraceEvent;
    const wanted = relevant(e);
    const important = wanted && requests.size > 0 && e.client !== undefined && requests.has(`${e.client}#${e.id}`);
    if (wanted) {
      flush();
      lines.push(important ? `${eventLine(e)}   ◀ named in the violation` : eventLine(e));
      shown++;
    } else {
      const label = noise(e) ? noiseLabel(e) : `other nodes' ${e.kind}`;
      folded.set(label, (folded.get(label) ?? 0) + 1);
    }
  }
  flush();
  return lines.reverse();
}

/** The failure as text; see {@link FormatOptions}. */
export function formatFailureText(f: FailureText, options: FormatOptions = {}): string {
  const ids = (f.nodes ?? []).map((n) => n.id);
  const lines = [`FAILED ${f.property}: ${f.message}`, ...f.facts];
  if (f.nodes !== undefined && f.nodes.length > 0) {
    lines.push("nodes at the violation:");
    for (const n of f.nodes) lines.push(`  ${n.id} (${n.protocol})${n.paused ? " paused" : ""}: ${n.summary}`);
  }
  const named = namedNodes(f.message, ids);
  const scope = options.all ? "every kept event" : named.length > 0 ? `events at ${named.join(", ")}, requests and faults first; noise folded` : "events, requests and faults; noise folded";
  lines.push(`last events before the violation (${scope}; oldest first):`);
  for (const l of selectEvents(f.lastEvents, f.message, ids, options)) lines.push(`  ${l}`);
  lines.push("paste into a vitest test to replay it:", `  ${f.replayLine}`);
  return lines.join("\n");
}
