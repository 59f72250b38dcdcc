/**
 * The spec's safety properties, one function per TLA+ definition and under the same name, over a
 * {@link SpecSnapshot}: the spec's durable variables read from the nodes' records (so a node that
 * is down still counts). Mapping: `pState`/`pVote` ↔ participant records, `cLog`/`cDone` ↔
 * coordinator records.
 */
import type { Invariant, NodeId, StepInfo, WorldView } from "@faultline/kernel";
import type { TwoPhaseConfig } from "./config.js";
import { replacedEntries } from "./buckets.js";
import type { CoordinatorState } from "./coordinator.js";
import { coordinatorDecision } from "./coordinator-rules.js";
import { cachedCoordinatorLog } from "./ledger.js";
import { repliesInvariant } from "./replies.js";
import { specSnapshot, type SpecSnapshot } from "./snapshot.js";
import type { CoordinatorRecord, Decision, TxId } from "./types.js";

/**
 * Which transactions the last step touched, read from the world alone: those named by the
 * records the stepping node wrote (only its log changes in a step). Returns `undefined` (check
 * everything) when that is not known: after a crash (it may lose unsynced records), a compaction,
 * or a first write.
 */
function touchedTransactions(view: WorldView, last: StepInfo): ReadonlySet<TxId> | undefined {
  const from = last.logFrom;
  if (from === undefined || from === 0 || last.cause.type === "crash") return undefined;
  const records = view.node(last.node).records as readonly { tx: TxId }[];
  const touched = new Set<TxId>();
  for (let i = from; i < records.length; i++) touched.add((records[i] as { tx: TxId }).tx);
  return touched;
}

/**
 * ```tla
 * Consistent ==
 *   \A t \in Tx : \A p, q \in Participants :
 *     ~(pState[p][t] = "committed" /\ pState[q][t] = "aborted")
 * ```
 */
export function Consistent(s: SpecSnapshot): string | undefined {
  const seen = new Map<TxId, { p: NodeId; outcome: string }>();
  for (const [p, log] of s.participants) {
    for (const [tx, e] of log) {
      if (e.state === "prepared") continue;
      const other = seen.get(tx);
      if (other === undefined) seen.set(tx, { p, outcome: e.state });
      else if (other.outcome !== e.state) return `tx ${tx}: ${other.p} ${other.outcome} but ${p} ${e.state}`;
    }
  }
  return undefined;
}

/**
 * ```tla
 * OutcomeMatchesDecision ==
 *   \A t \in Tx : \A p \in Participants :
 *     /\ pState[p][t] = "committed" => cLog[t] = "commit"
 *     /\ pState[p][t] = "aborted" => cLog[t] # "commit"
 * ```
 */
export function OutcomeMatchesDecision(s: SpecSnapshot): string | undefined {
  for (const [p, log] of s.participants) {
    for (const [tx, e] of log) {
      const cLog = s.coordinator.txs.get(tx)?.log ?? "none";
      if (e.state === "committed" && cLog !== "commit") return `tx ${tx}: ${p} committed but the coordinator's log says ${cLog}`;
      if (e.state === "aborted" && cLog === "commit") return `tx ${tx}: ${p} aborted but the coordinator logged commit`;
    }
  }
  return undefined;
}

/**
 * ```tla
 * CommitRequiresUnanimity ==
 *   \A t \in Tx : cLog[t] = "commit" => \A p \in Participants : pVote[p][t] = "yes"
 * ```
 */
export function CommitRequiresUnanimity(s: SpecSnapshot): string | undefined {
  for (const [tx, e] of s.coordinator.txs) {
    if (e.log !== "commit") continue;
    for (const [p, log] of s.participants) {
      const vote = log.get(tx)?.vote ?? "none";
      if (vote !== "yes") return `tx ${tx}: the coordinator logged commit but ${p}'s vote is ${vote}`;
    }
  }
  return undefined;
}

/** The decisions a coordinator holds: `cLog` restricted to decided transactions. */
export type Decisions = ReadonlyMap<TxId, Decision>;

/**
 * ```tla
 * DecisionNeverChanges ==
 *   [][\A t \in Tx : cLog[t] \in Decisions => cLog'[t] = cLog[t]]_vars
 * ```
 * An action property: `before` and `after` are two successive states' decisions.
 */
export function DecisionNeverChanges(before: Decisions, after: Decisions): string | undefined {
  for (const [tx, d] of before) {
    const next = after.get(tx);
    if (next !== d) return `tx ${tx}: decision changed from ${d} to ${next ?? "nothing"}`;
  }
  return undefined;
}

/**
 * The decisions of `before` that `after` changed or lost, as {@link DecisionNeverChanges} inputs.
 * Only entries the step replaced are compared: immer shares every untouched entry between the two.
 */
function changedDecisions(before: CoordinatorState, after: CoordinatorState): [Decisions, Decisions] {
  const was = new Map<TxId, Decision>();
  const now = new Map<TxId, Decision>();
  const compare = (tx: TxId, decision: Decision | undefined) => {
    const next = coordinatorDecision(after, tx);
    if (decision === undefined || next === decision) return;
    was.set(tx, decision);
    if (next !== undefined) now.set(tx, next);
  };
  for (const [tx, t] of replacedEntries(before.txs, after.txs)) compare(tx, t.decision);
  for (const [tx, d] of replacedEntries(before.completed, after.completed)) compare(tx, d);
  return [was, now];
}

type SnapshotCheck = (s: SpecSnapshot) => string | undefined;

/**
 * A state invariant over the snapshot of the transactions the last step touched (see
 * {@link specSnapshot}): the spec's invariants are `\A t` over transactions, and a step changes
 * only what its records name, so the rest was checked before.
 */
function stateInvariant(name: string, check: SnapshotCheck, config: TwoPhaseConfig): Invariant {
  return { name, check: (view, last) => check(specSnapshot(view, config, touchedTransactions(view, last))) };
}

/**
 * {@link DecisionNeverChanges} checked two ways after every step: over the durable log (each
 * decision record against the earlier ones for its transaction: the log is `cLog` over time) and,
 * when the coordinator stepped while up, over its in-memory decisions before and after the step.
 */
function decisionNeverChangesInvariant(config: TwoPhaseConfig): Invariant<any> {
  return {
    name: "DecisionNeverChanges",
    check: (view, last) => {
      if (last.node !== config.coordinator) return undefined;
      const changed = cachedCoordinatorLog(view.node(config.coordinator).records as readonly CoordinatorRecord[]).changed;
      if (changed) {
        return DecisionNeverChanges(new Map([[changed.tx, changed.from]]), new Map([[changed.tx, changed.to]])) + " (in the durable log)";
      }
      if (last.before === undefined || last.after === undefined) return undefined;
      const before = last.before as CoordinatorState;
      const after = last.after as CoordinatorState;
      return DecisionNeverChanges(...changedDecisions(before, after));
    },
  };
}

/**
 * The spec's safety properties as kernel invariants, in spec order, then the client-visible
 * {@link RepliesMatchOutcome} (see src/replies.ts).
 */
export function twoPhaseInvariants(config: TwoPhaseConfig): Invariant[] {
  return [
    stateInvariant("Consistent", Consistent, config),
    stateInvariant("OutcomeMatchesDecision", OutcomeMatchesDecision, config),
    stateInvariant("CommitRequiresUnanimity", CommitRequiresUnanimity, config),
    decisionNeverChangesInvariant(config),
    repliesInvariant(config),
  ];
}

/**
 * Termination after the faults stop (the spec's `AllDone`, to be checked once a run has been quiet
 * for a while with the coordinator up): every begun transaction is logged done and every
 * participant has its outcome. Returns what is still unfinished, or `undefined`.
 */
export function checkTermination(view: WorldView, config: TwoPhaseConfig): string | undefined {
  const s = specSnapshot(view, config);
  if (!view.node(config.coordinator).up) return "the coordinator is down";
  for (const [tx, e] of s.coordinator.txs) {
    if (!e.done) return `tx ${tx} is not done (coordinator log: ${e.log})`;
    for (const [p, log] of s.participants) {
      const state = log.get(tx)?.state ?? "working";
      if (state !== "committed" && state !== "aborted") return `tx ${tx}: ${p} is still ${state}`;
    }
  }
  return undefined;
}
