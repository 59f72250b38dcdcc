/**
 * What one calm run of a system teaches the trigger generator, without the system declaring it:
 * - the message types a node sends to several peers in one step (a broadcast: a vote request, a
 *   write's store, a commit decision). A crash right after the first of them leaves the value on
 *   a minority for good, the classic "crash in the middle of a broadcast" that quorum protocols
 *   must survive;
 * - the message types that are only ever answers (sent to exactly the peer whose message the step
 *   handled: a vote grant, an append's ack, a participant's vote). A crash right after one left
 *   and a quick restart is where a promise sent before (or without) its record reaching disk is
 *   forgotten and made again.
 * The generator arms `crash-after-send` on both (see `triggerArbitrary`).
 */
import { Simulation, type AnyProtocol, type Effect, type NodeId, type NodeSpec } from "@faultline/kernel";
import { doneAfter, type SystemSpace } from "./space.js";

/** One calm run's lessons (see {@link broadcastTypes} and {@link replyTypes}). */
interface Lessons {
  readonly broadcasts: readonly string[] | undefined;
  readonly replies: readonly string[];
}

const learned = new WeakMap<SystemSpace<any>, Lessons>();

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
  return lessons(space).broadcasts;
}

/**
 * The message types that, in the same calm run, were only ever sent as an answer: each send of
 * the type was the only one of its type in a step handling a message from its receiver. Sorted;
 * `[]` when there are none (or messages carry no string `type`). Deterministic, computed once per
 * space together with {@link broadcastTypes}.
 */
export function replyTypes(space: SystemSpace<any>): readonly string[] {
  return lessons(space).replies;
}

function lessons(space: SystemSpace<any>): Lessons {
  const known = learned.get(space);
  if (known !== undefined) return known;
  const types = new Set<string>();
  let seen = false;
  // Per type: sent at least once as an answer, and sent at least once otherwise.
  const answered = new Set<string>();
  const notAnswer = new Set<string>();
  const note = (self: NodeId, effects: readonly Effect<unknown, unknown, unknown>[], replyTo?: NodeId) => {
    const to = new Map<string | undefined, Set<NodeId>>();
    const count = new Map<string, number>();
    for (const e of effects) {
      if (e.type !== "send" || e.to === self) continue;
      const t = typeOf(e.msg);
      const peers = to.get(t) ?? new Set<NodeId>();
      peers.add(e.to);
      to.set(t, peers);
      if (t !== undefined) count.set(t, (count.get(t) ?? 0) + 1);
    }
    for (const [t, n] of count) {
      const only = to.get(t) as Set<NodeId>;
      if (n === 1 && replyTo !== undefined && only.has(replyTo)) answered.add(t);
      else notAnswer.add(t);
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
        note(ctx.self, out.effects, input.type === "message" ? input.from : undefined);
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
  const out: Lessons = { broadcasts: seen ? [...types].sort() : undefined, replies: [...answered].filter((t) => !notAnswer.has(t)).sort() };
  learned.set(space, out);
  return out;
}
