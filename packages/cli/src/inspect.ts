/**
 * What `faultline status` shows of each protocol's state, and the 2PC outcomes a node knows,
 * kept from its durable records (those it loaded and those its steps persist).
 */
import type { Effect } from "@faultline/kernel";
import { coordinatorDecision, participantTxState, type CoordinatorRecord, type CoordinatorState, type ParticipantRecord, type ParticipantState } from "@faultline/two-phase-commit";

/** The process kinds. */
export type NodeKind = "coordinator" | "participant" | "raft-node";

/** A Raft node's status fields (read defensively: only the fields present are shown). */
export function describeRaft(state: unknown): Record<string, unknown> {
  const s = (state ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ["role", "term", "leader", "votedFor", "commitIndex", "lastApplied"]) if (s[k] !== undefined) out[k] = s[k];
  const log = s.log as unknown[] | undefined;
  const snap = s.snapshot as { index?: number } | undefined;
  if (Array.isArray(log)) out.lastIndex = (snap?.index ?? 0) + log.length;
  return out;
}

/** Outcomes of 2PC transactions a node knows from its records, by transaction. */
export class OutcomeLedger {
  private readonly txs = new Map<string, string>();

  constructor(private readonly kind: "coordinator" | "participant") {}

  /** Folds records (loaded at boot or persisted by a step). */
  fold(records: readonly unknown[]): void {
    for (const r of records) {
      if (this.kind === "coordinator") {
        const c = r as CoordinatorRecord;
        if (c.type === "begun" && !this.txs.has(c.tx)) this.txs.set(c.tx, "undecided");
        else if (c.type === "decision") this.txs.set(c.tx, c.decision);
      } else {
        const p = r as ParticipantRecord;
        if (p.type === "vote") this.txs.set(p.tx, p.vote === "yes" ? "prepared" : "aborted");
        else if (p.type === "outcome") this.txs.set(p.tx, p.outcome);
      }
    }
  }

  /** Folds the records a step persisted. */
  foldEffects(effects: readonly Effect<unknown, unknown, unknown>[]): void {
    for (const e of effects) if (e.type === "persist") this.fold([e.record]);
  }

  /** Counts per outcome. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const v of this.txs.values()) out[v] = (out[v] ?? 0) + 1;
    return out;
  }

  /** One transaction as the records and the live state tell it. */
  lookup(state: unknown, tx: string): Record<string, unknown> {
    const live = this.kind === "coordinator" ? (coordinatorDecision(state as CoordinatorState, tx) ?? "unknown") : participantTxState(state as ParticipantState, tx);
    return { tx, logged: this.txs.get(tx) ?? "never heard of it", live };
  }
}
