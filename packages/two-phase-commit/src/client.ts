/** A closed-loop client that runs transactions one after another through the coordinator. */
import { requireInteger, requireNonNegativeNumber, type ClientActor, type NodeId, type Workload } from "@faultline/kernel";
import { checkId, checkKnownKeys, positiveMs } from "./config.js";
import type { BeginRequest, Decision, TransactionResult, TxId } from "./types.js";

/** What a {@link transactionClient} has seen. */
export interface TransactionClientState {
  /** Transactions begun so far (the current one included). */
  readonly begun: number;
  /** Outcomes in the order they arrived. */
  readonly outcomes: readonly { readonly tx: TxId; readonly outcome: Decision }[];
  readonly timeouts: number;
}

/** Options of {@link transactionClient}. */
export interface TransactionClientOptions {
  /** Transactions to run (default 10). */
  readonly count?: number;
  /** Tx ids are `<prefix>-<n>` (default "tx"); give each client its own prefix. */
  readonly prefix?: string;
  /** The coordinator's id (default "coordinator"). */
  readonly coordinator?: NodeId;
  /** Pause between a reply and the next begin (default 10 ms). */
  readonly thinkMs?: number;
  /** Give up waiting after this long and ask again for the same tx (default 500 ms). */
  readonly timeoutMs?: number;
}

/**
 * Begins `count` transactions, one at a time. A timed-out begin is retried with the same tx id,
 * which the coordinator answers from its log instead of beginning twice. Options are validated up
 * front (a `ConfigError` names the field).
 */
export function transactionClient(options: TransactionClientOptions = {}): ClientActor<TransactionClientState, BeginRequest, TransactionResult> {
  checkKnownKeys("transactionClient", options, ["count", "prefix", "coordinator", "thinkMs", "timeoutMs"]);
  const count = requireInteger("count", options.count ?? 10, 0);
  const prefix = checkId("prefix", options.prefix ?? "tx");
  const coordinator = checkId("coordinator", options.coordinator ?? "coordinator");
  const thinkMs = requireNonNegativeNumber("thinkMs", options.thinkMs ?? 10);
  const timeoutMs = positiveMs("timeoutMs", options.timeoutMs ?? 500);
  const ask = (n: number, afterMs: number) => ({ node: coordinator, req: { type: "begin" as const, tx: `${prefix}-${n}` }, afterMs, timeoutMs });
  return {
    name: "2pc-transactions",
    start: () => (count > 0 ? { state: { begun: 1, outcomes: [], timeouts: 0 }, next: ask(1, 0) } : { state: { begun: 0, outcomes: [], timeouts: 0 } }),
    onReply: (s, reply) => {
      const state = { ...s, outcomes: [...s.outcomes, reply.res] };
      return s.begun >= count ? { state } : { state: { ...state, begun: s.begun + 1 }, next: ask(s.begun + 1, thinkMs) };
    },
    onTimeout: (s) => ({ state: { ...s, timeouts: s.timeouts + 1 }, next: ask(s.begun, 0) }),
  };
}

/** Options of {@link transactionWorkload}. */
export interface TransactionWorkloadOptions {
  /** Transactions to begin (default 10). */
  readonly count?: number;
  /** Virtual time of the first begin (default 0). */
  readonly startMs?: number;
  /** Time between two begins; 0 begins them all at once (default 0). */
  readonly spacingMs?: number;
  /** The coordinator's id (default "coordinator"). */
  readonly coordinator?: NodeId;
  /** Tx ids and client ids are `<prefix><n>` (default "tx"). */
  readonly prefix?: string;
}

/**
 * An open-loop workload: `count` begins, one client each, so all may run concurrently. Tx ids are
 * given explicitly, so a run's outcomes can be matched to its requests. Options are validated up
 * front (a `ConfigError` names the field).
 */
export function transactionWorkload(options: TransactionWorkloadOptions = {}): Workload<BeginRequest> {
  checkKnownKeys("transactionWorkload", options, ["count", "startMs", "spacingMs", "coordinator", "prefix"]);
  const count = requireInteger("count", options.count ?? 10, 0);
  const startMs = requireNonNegativeNumber("startMs", options.startMs ?? 0);
  const spacingMs = requireNonNegativeNumber("spacingMs", options.spacingMs ?? 0);
  const coordinator = checkId("coordinator", options.coordinator ?? "coordinator");
  const prefix = checkId("prefix", options.prefix ?? "tx");
  return Array.from({ length: count }, (_, i) => ({
    at: startMs + i * spacingMs,
    client: `${prefix}${i + 1}`,
    node: coordinator,
    req: { type: "begin" as const, tx: `${prefix}${i + 1}` },
  }));
}
