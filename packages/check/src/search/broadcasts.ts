/**
 * What one calm run of a system teaches the trigger generator, without the system declaring it:
 * the message types a node sends to several peers in one step (a broadcast: a vote request, a
 * write's store, a commit decision). A crash right after the first of them leaves the value on a
 * minority for good, the classic "crash in the middle of a broadcast" that quorum protocols must
 * survive; the generator arms `crash-after-send` on those types (see `triggerArbitrary`).
 */
import { Simulation, type AnyProtocol, type Effect, type NodeId, type NodeSpec } from "@faultline/kernel";
import { doneAfter, type SystemSpace } from "./space.js";

const learned = new WeakMap<SystemSpace<any>, readonly string[] | undefined>();

/** The `type` field of a message, when it has a string one. */
function typeOf(msg: unknown): string | undefined {
  const t = typeof msg === "object" && msg !== null ? (msg as { type?: unknown }).type : undefined;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

/**
 * The message types some node sent to two or more other nodes within one step, in a calm run of
 * the space's default configuration (seed 1, no fault), sorted; `[]` when broadcasts were seen but
 * their messages carry no string `type`; `undefined` when no step broadcast at all. Deterministic
 * (the same space gives the same answer in any process) and computed once per space.
 */
export function broadcastTypes(space: SystemSpace<any>): readonly string[] | undefined {
  if (learned.has(space)) return learned.get(space);
  const types = new Set<string>();
  let seen = false;
  const note = (self: NodeId, effects: readonly Effect<unknown, unknown, unknown>[]) => {
    const to = new Map<string | undefined, Set<NodeId>>();
    for (const e of effects) {
      if (e.type !== "send" || e.to === self) continue;
      const t = typeOf(e.msg);
      const peers = to.get(t) ?? new Set<NodeId>();
      peers.add(e.to);
      to.set(t, peers);
    }
    for (const [t, peers] of to)
      if (peers.size >= 2) {
        seen = true;
        if (t !== undefined) types.add(t);
      }
  };
  // The node's protocol with its steps watched; everything else inherited unchanged.
  const watch = (p: AnyProtocol): AnyProtocol =>
    Object.assign(Object.create(p) as AnyProtocol, {
      init: (ctx: Parameters<AnyProtocol["init"]>[0], records: readonly unknown[]) => {
        const out = p.init(ctx, records);
        note(ctx.self, out.effects);
        return out;
      },
      step: (state: unknown, input: Parameters<AnyProtocol["step"]>[1], ctx: Parameters<AnyProtocol["step"]>[2]) => {
        const out = p.step(state, input, ctx);
        note(ctx.self, out.effects);
        return out;
      },
    });
  const built = space.buildChecked(space.defaultConfig);
  try {
    new Simulation({
      seed: 1,
      nodes: built.nodes.map((n): NodeSpec => ({ ...n, protocol: watch(n.protocol) })),
      clients: built.clients ?? [],
      workload: built.workload ?? [],
      network: { ...built.network, dropRate: 0, duplicateRate: 0, reorderRate: 0 },
      ...(built.storage ? { storage: built.storage } : {}),
      maxTimeMs: space.runMs,
      maxEvents: space.maxEvents,
      ...(built.done ? { stopWhen: doneAfter(0, built.done) } : {}),
    }).run();
  } catch {
    // A system whose default run throws still gets a search: only this lesson is lost.
  }
  const out = seen ? [...types].sort() : undefined;
  learned.set(space, out);
  return out;
}
