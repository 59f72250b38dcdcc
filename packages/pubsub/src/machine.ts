/**
 * The pub/sub log as a Raft state machine: per-topic append-only logs, the producers' dedup
 * table and the subscriber groups' offsets, all replicated state (so all of it travels in Raft
 * snapshots and survives restarts). `apply` is pure and deterministic.
 */
import type { StateMachine } from "@faultline/raft";
import { HLC_ZERO, maxHlc, type Hlc } from "./time/hlc.js";
import type { PubSubCommand, PubSubResponse, StoredMessage } from "./types.js";

/** What the dedup table remembers of one producer: its last seq and its most recent appends. */
export interface ProducerEntry {
  readonly last: number;
  /** The last {@link PubSubMachineOptions.dedupWindow} appends, oldest first: [seq, topic, offset, lamport]. */
  readonly recent: readonly (readonly [number, string, number, number])[];
}

/** The replicated state. */
export interface PubSubMachineState {
  readonly topics: Readonly<Record<string, readonly StoredMessage[]>>;
  readonly producers: Readonly<Record<string, ProducerEntry>>;
  /** Stored offsets by group, then topic: the next offset the group wants. */
  readonly groups: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The largest Lamport timestamp given so far. */
  readonly lamport: number;
  /** The largest HLC stamp appended so far (a new leader's clock starts past it). */
  readonly hlc: Hlc;
}

/** Options of {@link pubsubMachine}. */
export interface PubSubMachineOptions {
  /**
   * Per-producer retention of the dedup table (default 16): a retry of one of the producer's last
   * `dedupWindow` publishes answers the first append; an older retry is refused ("seq too old"),
   * never appended again. A closed-loop producer (one publish in flight) needs a window of 1.
   */
  readonly dedupWindow?: number;
}

const EMPTY: PubSubMachineState = Object.freeze({ topics: Object.freeze({}), producers: Object.freeze({}), groups: Object.freeze({}), lamport: 0, hlc: HLC_ZERO });

type Out = { readonly state: PubSubMachineState; readonly result: PubSubResponse };

function slice(log: readonly StoredMessage[], from: number, max: number): readonly StoredMessage[] {
  return log.slice(from, from + max);
}

function publish(state: PubSubMachineState, cmd: Extract<PubSubCommand, { op: "publish" }>, window: number): Out {
  const entry = state.producers[cmd.producer];
  const last = entry?.last ?? 0;
  if (cmd.seq <= last) {
    const seen = entry?.recent.find((r) => r[0] === cmd.seq);
    if (seen === undefined) return { state, result: { ok: false, error: `seq too old: ${cmd.seq} of producer ${cmd.producer} is past the dedup window of ${window} (last ${last})` } };
    const stored = state.topics[seen[1]]?.[seen[2]];
    return { state, result: { ok: true, op: "publish", offset: seen[2], lamport: seen[3], hlc: stored?.hlc ?? cmd.hlc, duplicate: true } };
  }
  // A producer the table does not know starts wherever it starts; a known one must not skip a seq.
  if (entry !== undefined && cmd.seq !== last + 1) return { state, result: { ok: false, error: `out of order: seq ${cmd.seq} of producer ${cmd.producer} after ${last}` } };
  const log = state.topics[cmd.topic] ?? [];
  const lamport = Math.max(state.lamport, cmd.lamport ?? 0) + 1;
  const msg: StoredMessage = Object.freeze({ offset: log.length, producer: cmd.producer, seq: cmd.seq, payload: cmd.payload, lamport, hlc: cmd.hlc });
  const recent = [...(entry?.recent ?? []), Object.freeze([cmd.seq, cmd.topic, msg.offset, lamport] as const)].slice(-window);
  return {
    state: Object.freeze({
      ...state,
      topics: Object.freeze({ ...state.topics, [cmd.topic]: Object.freeze([...log, msg]) }),
      producers: Object.freeze({ ...state.producers, [cmd.producer]: Object.freeze({ last: cmd.seq, recent: Object.freeze(recent) }) }),
      lamport,
      hlc: maxHlc(state.hlc, cmd.hlc),
    }),
    result: { ok: true, op: "publish", offset: msg.offset, lamport, hlc: msg.hlc, duplicate: false },
  };
}

function commit(state: PubSubMachineState, cmd: Extract<PubSubCommand, { op: "commit" }>): Out {
  const end = state.topics[cmd.topic]?.length ?? 0;
  if (cmd.offset > end) return { state, result: { ok: false, error: `offset ${cmd.offset} is past the end of topic ${cmd.topic} (${end})` } };
  const stored = state.groups[cmd.group]?.[cmd.topic] ?? 0;
  // Offsets never move back: a late or replayed commit keeps the larger one.
  if (cmd.offset <= stored) return { state, result: { ok: true, op: "commit", offset: stored } };
  const group = Object.freeze({ ...state.groups[cmd.group], [cmd.topic]: cmd.offset });
  return { state: Object.freeze({ ...state, groups: Object.freeze({ ...state.groups, [cmd.group]: group }) }), result: { ok: true, op: "commit", offset: cmd.offset } };
}

/** The pub/sub state machine for {@link raftProtocol}-style reducers. */
export function pubsubMachine(options: PubSubMachineOptions = {}): StateMachine<PubSubMachineState, PubSubCommand, PubSubResponse> {
  const window = options.dedupWindow ?? 16;
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`dedupWindow: expected a whole number >= 1, got ${window}`);
  return {
    name: "pubsub",
    init: () => EMPTY,
    apply(state, cmd): Out {
      switch (cmd.op) {
        case "noop":
          return { state, result: { ok: false, error: "noop" } };
        case "create":
          if (state.topics[cmd.topic] !== undefined) return { state, result: { ok: true, op: "create", topic: cmd.topic } };
          return { state: Object.freeze({ ...state, topics: Object.freeze({ ...state.topics, [cmd.topic]: Object.freeze([]) }) }), result: { ok: true, op: "create", topic: cmd.topic } };
        case "publish":
          return publish(state, cmd, window);
        case "poll": {
          const from = state.groups[cmd.group]?.[cmd.topic] ?? 0;
          return { state, result: { ok: true, op: "poll", from, messages: slice(state.topics[cmd.topic] ?? [], from, cmd.max) } };
        }
        case "commit":
          return commit(state, cmd);
        case "history": {
          const log = state.topics[cmd.topic] ?? [];
          return { state, result: { ok: true, op: "history", from: cmd.from, messages: slice(log, cmd.from, cmd.limit), end: log.length } };
        }
      }
    },
  };
}
