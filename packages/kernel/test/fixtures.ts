/** A scriptable test protocol: client requests tell a node what to do, so tests can observe each fault. */
import { generatePlan, simulate, transition, type Protocol, type SimulationResult } from "../src/index.js";

export type Cmd =
  | { do: "send"; to: string; msg: unknown }
  | { do: "persist"; value: unknown }
  | { do: "timer"; name: string; afterMs: number }
  | { do: "cancel"; name: string }
  | { do: "now" };

export interface ProbeState {
  readonly received: readonly { from: string; msg: unknown; at: number }[];
  readonly fired: readonly { name: string; at: number }[];
  readonly restored: readonly unknown[];
  readonly volatile: number;
}

/** Does what each request says, records every message and timer with its local clock reading. */
export const probe: Protocol<ProbeState, unknown, Cmd, unknown, unknown> = {
  name: "probe",
  init: (_ctx, records) => ({ state: { received: [], fired: [], restored: records, volatile: 0 }, effects: [] }),
  step: (state, input, ctx) =>
    transition(state, (d, fx) => {
      d.volatile++;
      if (input.type === "message") d.received.push({ from: input.from, msg: input.msg as never, at: ctx.now() });
      else if (input.type === "timer") d.fired.push({ name: input.timer.kind, at: ctx.now() });
      else {
        const c = input.req;
        if (c.do === "send") fx.send(c.to, c.msg);
        else if (c.do === "persist") fx.persist(c.value);
        else if (c.do === "timer") fx.setTimer({ kind: c.name }, c.afterMs);
        else if (c.do === "cancel") fx.cancelTimer({ kind: c.name });
        fx.reply(input.client, input.id, c.do === "now" ? ctx.now() : "ok");
      }
    }),
};

export interface GossipState {
  readonly value: number;
  readonly seen: number;
}

/** A tiny replicated max-register: every node gossips its value on a random timer. */
export const gossip: Protocol<GossipState, { v: number }, { set: number }, number, number> = {
  name: "gossip",
  init: (ctx, records) => ({
    state: { value: records.reduce((a, b) => Math.max(a, b), 0), seen: 0 },
    effects: [{ type: "set-timer", timer: { kind: "gossip" }, afterMs: 5 + Math.floor(ctx.random() * 20) }],
  }),
  step: (state, input, ctx) =>
    transition(state, (d, fx) => {
      if (input.type === "timer") {
        for (const n of ctx.nodes) if (n !== ctx.self) fx.send(n, { v: d.value });
        fx.setTimer({ kind: "gossip" }, 5 + Math.floor(ctx.random() * 20));
      } else if (input.type === "message") {
        d.seen++;
        if (input.msg.v > d.value) {
          d.value = input.msg.v;
          fx.persist(d.value);
        }
      } else {
        if (input.req.set > d.value) {
          d.value = input.req.set;
          fx.persist(d.value);
        }
        fx.reply(input.client, input.id, d.value);
      }
    }),
};

export const ids = ["a", "b", "c"];
export const probes = ids.map((id) => ({ id, protocol: probe }));
export const gossips = (n = 3) => Array.from({ length: n }, (_, i) => ({ id: `n${i}`, protocol: gossip }));

/** A 4-node gossip run under drops, duplicates, reordering and a random fault plan: the determinism fixture. */
export function gossipRun(seed: number): SimulationResult {
  const nodes = gossips(4);
  return simulate({
    seed,
    nodes,
    network: { minLatencyMs: 1, maxLatencyMs: 30, dropRate: 0.1, duplicateRate: 0.1, reorderRate: 0.2 },
    plan: generatePlan(seed, { nodes: nodes.map((n) => n.id), durationMs: 2_000 }),
    workload: [0, 1, 2, 3].map((i) => ({ at: 100 * i, client: "c", node: `n${i}`, req: { set: i + 1 } })),
    maxTimeMs: 3_000,
  });
}
