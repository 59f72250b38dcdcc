/**
 * The spec's safety properties, one function per TLA+ definition and under the same name, over a
 * {@link SpecSnapshot}: the spec's durable variables read from the nodes' records (so a node that
 * is down still counts). Mapping: `pState`/`pVote` ↔ participant records, `cLog`/`cDone` ↔
 * coordinator records.
 */
import type { Invariant, NodeId, WorldView } from "@faultline/kernel";
import type { TwoPhaseConfig } from "./config.js";
import type { CoordinatorState } from "./coordinator.js";
import { cachedCoordinatorLog, cachedParticipantLog, type CoordinatorLog, type ParticipantLog } from "./ledger.js";
import type { CoordinatorRecord, Decision, ParticipantRecord, TxId } from "./types.js";

/** The spec's durable variables as a run shows them. */
export interface SpecSnapshot {
  /** `cLog` and `cDone`. */
  readonly coordinator: CoordinatorLog;
  /** `pState` and `pVote` per participant, in configuration order. */
  readonly participants: ReadonlyMap<NodeId, ParticipantLog>;
}

/** Reads the spec's variables out of a run's world (memoised per log, so it is cheap per step). */
export function specSnapshot(view: WorldView, config: TwoPhaseConfig): SpecSnapshot {
  const participants = new Map<NodeId, ParticipantLog>();
  for (const p of config.participants) participants.set(p, cachedParticipantLog(view.node(p).records as readonly ParticipantRecord[]));
  return { coordinator: cachedCoordinatorLog(view.node(config.coordinator).records as readonly CoordinatorRecord[]), participants };
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

function volatileDecisions(state: CoordinatorState): Decisions {
  const out = new Map<TxId, Decision>();
  for (const [tx, t] of Object.entries(state.txs)) if (t.decision !== undefined) out.set(tx, t.decision);
  return out;
}

type SnapshotCheck = (s: SpecSnapshot) => string | undefined;

function stateInvariant(name: string, check: SnapshotCheck, config: TwoPhaseConfig): Invariant {
  return { name, check: (view) => check(specSnapshot(view, config)) };
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
      return DecisionNeverChanges(volatileDecisions(last.before as CoordinatorState), volatileDecisions(last.after as CoordinatorState));
    },
  };
}

/** The spec's safety properties as kernel invariants, in spec order. */
export function twoPhaseInvariants(config: TwoPhaseConfig): Invariant[] {
  return [
    stateInvariant("Consistent", Consistent, config),
    stateInvariant("OutcomeMatchesDecision", OutcomeMatchesDecision, config),
    stateInvariant("CommitRequiresUnanimity", CommitRequiresUnanimity, config),
    decisionNeverChangesInvariant(config),
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
