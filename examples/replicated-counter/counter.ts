/**
 * A grow-only replicated counter (a G-counter CRDT): each node counts its own increments, and
 * nodes gossip their vectors until everyone agrees. Small enough to read in a minute; rich
 * enough to show drops, duplicates, partitions and crashes doing their worst.
 */
import { transition, type Invariant, type Protocol } from "faultline";

/** Per-node increment counts; the counter's value is their sum. */
export type Counts = Readonly<Record<string, number>>;

export interface CounterState {
  readonly counts: Counts;
}

export type CounterMsg = { readonly type: "gossip"; readonly counts: Counts };
export type CounterReq = { readonly type: "increment" } | { readonly type: "read" };
export type CounterRecord = { readonly own: number };

const GOSSIP_MS = 50;

/** The value a state shows: the sum of every node's count. */
export function valueOf(state: CounterState): number {
  return Object.values(state.counts).reduce((a, b) => a + b, 0);
}

/** The counter protocol. Own increments are persisted before they are acknowledged, so a crash loses none. */
export const counter: Protocol<CounterState, CounterMsg, CounterReq, number, CounterRecord> = {
  name: "g-counter",
  init: (ctx, records) => ({
    state: { counts: { [ctx.self]: records.at(-1)?.own ?? 0 } },
    effects: [{ type: "set-timer", timer: { kind: "gossip" }, afterMs: Math.floor(ctx.random() * GOSSIP_MS) }],
  }),
  step: (state, input, ctx) =>
    transition(state, (d, fx) => {
      switch (input.type) {
        case "request":
          if (input.req.type === "increment") {
            const own = (d.counts[ctx.self] ?? 0) + 1;
            d.counts[ctx.self] = own;
            fx.persist({ own });
          }
          fx.reply(input.client, input.id, valueOf(d));
          return;
        case "message":
          // Merge by pointwise max: idempotent, so duplicates and reordering do no harm.
          for (const [node, n] of Object.entries(input.msg.counts)) d.counts[node] = Math.max(d.counts[node] ?? 0, n);
          return;
        case "timer": {
          const counts = { ...d.counts };
          for (const peer of ctx.nodes) if (peer !== ctx.self) fx.send(peer, { type: "gossip", counts });
          fx.setTimer({ kind: "gossip" }, GOSSIP_MS);
          return;
        }
      }
    }),
};

/** A node's own count never goes backwards, not even across a crash. */
export const ownCountNeverShrinks: Invariant<CounterState> = {
  name: "OwnCountNeverShrinks",
  check: (_view, last) => {
    const before = last.before?.counts[last.node] ?? 0;
    if (last.after && (last.after.counts[last.node] ?? 0) < before) return `${last.node} forgot its own increments`;
    return undefined;
  },
};
