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
  /** Each node's log length after the previous step (coordinator, then participants): records past it are the step's. */
  readonly logged: readonly number[];
  /**
   * The first contradiction. It is found in `update`, the only place that sees what the step
   * changed (new replies, new records), so that each step costs what it changed, not the history.
   */
  readonly problem?: string;
}

const INITIAL: RepliesGhost = { seen: 0, open: [], told: {}, logged: [] };

function advance(g: RepliesGhost, view: WorldView<unknown, BeginRequest, TransactionResult>, last: StepInfo, config: TwoPhaseConfig, ids: readonly NodeId[]): RepliesGhost {
  if (g.problem !== undefined) return g;
  const history = view.history;
  let { seen, open, told, logged } = g;
  let recheck: Set<TxId> | undefined;
  if (history.length > seen) {
    const more = open.slice();
    for (; seen < history.length; seen++) more.push(seen);
    open = more;
  }
  // A reply comes from the node that stepped: only its open requests can have been answered.
  let answered = false;
  for (let k = 0; k < open.length && !answered; k++) {
    const e = history[open[k] as number] as (typeof history)[number];
    answered = e.res !== undefined && e.node === last.node;
  }
  if (answered) {
    const still: number[] = [];
    recheck = new Set();
    for (const i of open) {
      const e = history[i] as (typeof history)[number];
      if (e.res === undefined || e.node !== last.node) {
        still.push(i);
        continue;
      }
      const before = told[e.res.tx];
      if (before !== undefined && before !== e.res.outcome) return { ...g, problem: `tx ${e.res.tx}: clients were told ${before}, then ${e.res.outcome}` };
      if (before === undefined) told = { ...told, [e.res.tx]: e.res.outcome };
      recheck.add(e.res.tx);
    }
    open = still;
  }
  // Records appended by the step name the transactions it may have changed; a crash may lose
  // records and a restart may re-decide, so those steps recheck everything clients were told.
  let everything = last.cause.type === "crash" || last.cause.type === "restart";
  for (let n = 0; n < ids.length; n++) {
    const records = view.node(ids[n] as NodeId).records as readonly { readonly tx: TxId }[];
    const was = logged[n] ?? 0;
    if (records.length === was) continue;
    if (logged === g.logged) logged = logged.slice();
    (logged as number[])[n] = records.length;
    if (records.length < was) everything = true;
    else {
      for (let i = was; i < records.length; i++) {
        const tx = (records[i] as { tx: TxId }).tx;
        if (told[tx] !== undefined) (recheck ??= new Set()).add(tx);
      }
    }
  }
  const check = new Map<TxId, Decision>();
  if (everything) for (const tx in told) check.set(tx, told[tx] as Decision);
  else if (recheck !== undefined) for (const tx of recheck) check.set(tx, told[tx] as Decision);
  const problem = check.size === 0 ? undefined : RepliesMatchOutcome(check, specSnapshot(view, config, new Set(check.keys())));
  if (problem !== undefined) return { seen, open, told, logged, problem };
  return seen === g.seen && open === g.open && told === g.told && logged === g.logged ? g : { seen, open, told, logged };
}

/**
 * {@link RepliesMatchOutcome} as a kernel invariant: the ghost collects what clients were told
 * from the typed history, and every step rechecks the transactions it answered or logged.
 */
export function repliesInvariant(config: TwoPhaseConfig): Invariant<unknown, BeginRequest, TransactionResult, RepliesGhost> {
  const ids = [config.coordinator, ...config.participants];
  return {
    name: "RepliesMatchOutcome",
    ghost: { initial: INITIAL, update: (g, view, last) => advance(g, view, last, config, ids) },
    check: (_view, _last, g) => g.problem,
  };
}
