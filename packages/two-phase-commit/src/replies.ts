/**
 * The client-visible check: what clients were told against what the system durably decided.
 * The spec's invariants read only the nodes' logs, so a coordinator that answers a client before
 * its decision is durable, or answers the wrong thing, passes them all; this one reads the
 * clients' history too. It uses only the kernel's public invariant API (typed history, ghost
 * state) and is meant to be copied for other protocols.
 */
import type { Invariant, NodeId, StepInfo, WorldView } from "@faultline/kernel";
import type { TwoPhaseConfig } from "./config.js";
import { specSnapshot, type SpecSnapshot } from "./snapshot.js";
import type { BeginRequest, Decision, TransactionResult, TxId } from "./types.js";

/**
 * Every reply to a client against the durable state: a client told `d` for `t` needs
 * `cLog[t] = d` (a decision that was never logged, or was lost, fails) and no participant
 * whose outcome contradicts `d`. In TLA+ terms, with `told` a history variable:
 * ```tla
 * RepliesMatchOutcome ==
 *   \A t \in DOMAIN told :
 *     /\ cLog[t] = told[t]
 *     /\ \A p \in Participants : pState[p][t] \in {"working", "prepared", Outcome(told[t])}
 * ```
 */
export function RepliesMatchOutcome(told: ReadonlyMap<TxId, Decision>, s: SpecSnapshot): string | undefined {
  for (const [tx, decision] of told) {
    const logged = s.coordinator.txs.get(tx)?.log ?? "none";
    if (logged !== decision) {
      const holds = logged === "none" || logged === "begun" ? `holds no decision (${logged})` : `says ${logged}`;
      return `tx ${tx}: a client was told ${decision} but the coordinator's log ${holds}`;
    }
    const opposite = decision === "commit" ? "aborted" : "committed";
    for (const [p, log] of s.participants) if (log.get(tx)?.state === opposite) return `tx ${tx}: a client was told ${decision} but ${p} ${opposite}`;
  }
  return undefined;
}

/**
 * The invariant's ghost state: the clients' view of the run, kept by the kernel. Everything in it
 * is a function of the world (its history and logs), so it adds no distinct states to an
 * exploration; only `problem` is new, and a run stops at the first one.
 */
export interface RepliesGhost {
  /** History entries looked at so far. */
  readonly seen: number;
  /** History indices of requests not answered yet. */
  readonly open: readonly number[];
  /** What clients were told, per transaction. */
  readonly told: Readonly<Record<TxId, Decision>>;
  /** Each node's log length after the previous step: records past it are the step's. */
  readonly logged: Readonly<Record<NodeId, number>>;
  /**
   * The first contradiction. It is found in `update`, the only place that sees what the step
   * changed (new replies, new records), so that each step costs what it changed, not the history.
   */
  readonly problem?: string;
}

const INITIAL: RepliesGhost = { seen: 0, open: [], told: {}, logged: {} };

function advance(g: RepliesGhost, view: WorldView<unknown, BeginRequest, TransactionResult>, last: StepInfo, config: TwoPhaseConfig): RepliesGhost {
  if (g.problem !== undefined) return g;
  const history = view.history;
  let { seen, open, told, logged } = g;
  const recheck = new Set<TxId>();
  if (history.length > seen) {
    const more = [...open];
    for (; seen < history.length; seen++) more.push(seen);
    open = more;
  }
  // A reply comes from the node that stepped: only its open requests can have been answered.
  if (open.some((i) => history[i]?.node === last.node && history[i]?.res !== undefined)) {
    const still: number[] = [];
    for (const i of open) {
      const res = history[i]?.res;
      if (res === undefined || history[i]?.node !== last.node) {
        still.push(i);
        continue;
      }
      const before = told[res.tx];
      if (before !== undefined && before !== res.outcome) return { ...g, problem: `tx ${res.tx}: clients were told ${before}, then ${res.outcome}` };
      if (before === undefined) told = { ...told, [res.tx]: res.outcome };
      recheck.add(res.tx);
    }
    open = still;
  }
  // Records appended by the step name the transactions it may have changed; a crash may lose
  // records and a restart may re-decide, so those steps recheck everything clients were told.
  let everything = last.cause.type === "crash" || last.cause.type === "restart";
  for (const id of [config.coordinator, ...config.participants]) {
    const records = view.node(id).records as readonly { readonly tx: TxId }[];
    const was = logged[id] ?? 0;
    if (records.length === was) continue;
    logged = { ...logged, [id]: records.length };
    if (records.length < was) everything = true;
    else for (let i = was; i < records.length; i++) recheck.add((records[i] as { tx: TxId }).tx);
  }
  const check = new Map<TxId, Decision>();
  if (everything) for (const tx in told) check.set(tx, told[tx] as Decision);
  else for (const tx of recheck) if (told[tx] !== undefined) check.set(tx, told[tx]);
  const problem = check.size === 0 ? undefined : RepliesMatchOutcome(check, specSnapshot(view, config, new Set(check.keys())));
  return problem === undefined ? { seen, open, told, logged } : { seen, open, told, logged, problem };
}

/**
 * {@link RepliesMatchOutcome} as a kernel invariant: the ghost collects what clients were told
 * from the typed history, and every step rechecks the transactions it answered or logged.
 */
export function repliesInvariant(config: TwoPhaseConfig): Invariant<unknown, BeginRequest, TransactionResult, RepliesGhost> {
  return {
    name: "RepliesMatchOutcome",
    ghost: { initial: INITIAL, update: (g, view, last) => advance(g, view, last, config) },
    check: (_view, _last, g) => g.problem,
  };
}
