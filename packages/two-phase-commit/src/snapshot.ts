/**
 * The spec's durable variables read out of a run's world: what the invariants check. Mapping:
 * `pState`/`pVote` ↔ participant records, `cLog`/`cDone` ↔ coordinator records.
 */
import type { NodeId, WorldView } from "@faultline/kernel";
import type { TwoPhaseConfig } from "./config.js";
import { cachedCoordinatorLog, cachedParticipantLog, type CoordinatorLog, type ParticipantLog } from "./ledger.js";
import type { CoordinatorRecord, ParticipantRecord, TxId } from "./types.js";

/** The spec's durable variables as a run shows them. */
export interface SpecSnapshot {
  /** `cLog` and `cDone`. */
  readonly coordinator: CoordinatorLog;
  /** `pState` and `pVote` per participant, in configuration order. */
  readonly participants: ReadonlyMap<NodeId, ParticipantLog>;
}

/**
 * Reads the spec's variables out of a run's world (memoised per log, so it is cheap per step).
 * With `only`, the snapshot holds just those transactions: every invariant (src/invariants.ts) is a `\A t`
 * over transactions, each conjunct reading one `t`, so checking the transactions a step touched
 * is checking the whole state.
 */
export function specSnapshot(view: WorldView, config: TwoPhaseConfig, only?: ReadonlySet<TxId>): SpecSnapshot {
  const restrict = <V>(all: Map<TxId, V>): Map<TxId, V> => {
    if (only === undefined) return all;
    const some = new Map<TxId, V>();
    for (const tx of only) {
      const v = all.get(tx);
      if (v !== undefined) some.set(tx, v);
    }
    return some;
  };
  const participants = new Map<NodeId, ParticipantLog>();
  for (const p of config.participants) participants.set(p, restrict(cachedParticipantLog(view.node(p).records as readonly ParticipantRecord[])));
  const coordinator = cachedCoordinatorLog(view.node(config.coordinator).records as readonly CoordinatorRecord[]);
  return { coordinator: { ...coordinator, txs: restrict(coordinator.txs) }, participants };
}
