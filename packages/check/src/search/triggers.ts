/**
 * A case's event-triggered faults: the kernel's own plan actions `trigger` (fired by a persist, a
 * send or a state a node reaches) and `clog` (a link holds every message for a while), with nodes
 * named by index (taken modulo the cluster size) so a case still runs on fewer nodes. The kernel
 * does the firing; this module draws them, checks them and turns them into kernel actions.
 */
import fc from "fast-check";
import { PLAN_RANGES, type FaultAction, type NodeId, type TriggerResponse, type TriggerValue } from "@faultline/kernel";
import { SearchError } from "./space.js";

/** What a trigger waits for; a node index left out means any node. */
export type TriggerWhen =
  /** The next step of `node` that persisted a record (of `recordType`, when given). */
  | { readonly on: "persist"; readonly node?: number; readonly recordType?: string }
  /** The next message from `from` to `to` (of `msgType`, when given). */
  | { readonly on: "send"; readonly from?: number; readonly to?: number; readonly msgType?: string }
  /** The next step after which a node's state at `path` became `equals` (the node that just became leader). */
  | { readonly on: "state"; readonly node?: number; readonly path: string; readonly equals: TriggerValue };

/**
 * One event-triggered fault of a case, armed at `at` (within the fault window) and disarmed,
 * unfired, when the window ends:
 * - `trigger`: the kernel's triggered fault (`when` → `then`: crash, crash-before-send, crash-during-write, isolate,
 *   pause, drop, duplicate, hold, crash-after-send); a crash without `restartAfterSteps` lasts until the window ends;
 * - `clog`: link `from` → `to` holds every message for `forMs`, then releases them in order.
 */
export type Trigger =
  | { readonly type: "trigger"; readonly at: number; readonly when: TriggerWhen; readonly then: TriggerResponse }
  | { readonly type: "clog"; readonly at: number; readonly from: number; readonly to: number; readonly forMs: number };

/** Every trigger type. */
export const TRIGGER_TYPES = ["trigger", "clog"] as const;

/** A state a trigger may wait for, e.g. `{ path: "role", equals: "leader" }`. */
export interface TriggerState {
  readonly path: string;
  readonly equals: TriggerValue;
}

/** What a system declares for its triggers: message types, record types and states to wait for. */
export interface TriggerVocabulary {
  readonly messageTypes: readonly string[];
  readonly recordTypes: readonly string[];
  readonly states: readonly TriggerState[];
  /**
   * Message types a node sends to several peers in one step (a sweep learns them from a calm run
   * of the default configuration): the sender is crashed right after one of them left, the rest
   * of the broadcast lost. `[]`: broadcasts of untyped messages (any message is watched);
   * absent: no such trigger is drawn.
   */
  readonly broadcastTypes?: readonly string[];
  /**
   * Message types only ever sent as an answer to the peer whose message a step handled (a sweep
   * learns them from the same calm run): the sender is crashed right after the answer left and
   * mostly restarted at once, so a promise sent before (or without) its record reaching disk is
   * forgotten. Absent or `[]`: no such trigger is drawn.
   */
  readonly replyTypes?: readonly string[];
}

const MAX_NODE_INDEX = 9;
const R = PLAN_RANGES;
/** A short hold: the message arrives a few ms late, after the next one on the link or after a quick restart. */
const SHORT_HOLD_MS = 100;

/**
 * Triggers a sweep draws, biased towards the faults that expose ordering bugs (figure 8 and its
 * kin): the node that just reached a declared state (became leader) crashed, isolated or paused;
 * a crash between a write and its sends, during a write, or right after a message left ("crash
 * right after answering"); a restart after a few steps; long holds and clogs, and short holds
 * that let a later message overtake by a hair.
 *
 * Persistence-order bugs (an answer sent before the write it depends on, a write forgotten) show
 * only when the node crashes right after the step and comes back before the next request of the
 * same kind reaches it: so half the triggered crashes restart within 5 steps, and half the
 * triggers are armed from the start (the first election, the first write) rather than at a random
 * instant of the window, when most such events are over.
 */
export function triggerArbitrary(vocabulary: TriggerVocabulary, windowMs: number): fc.Arbitrary<Trigger> {
  const at = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: windowMs - 1 }));
  const node = fc.integer({ min: 0, max: MAX_NODE_INDEX });
  const restart = fc.oneof(fc.integer({ min: R.restartAfterSteps.min, max: Math.min(5, R.restartAfterSteps.max) }), fc.integer({ min: R.restartAfterSteps.min, max: R.restartAfterSteps.max }));
  const outage = fc.integer({ min: R.outageMs.min, max: R.outageMs.max });
  const crash = fc.oneof(
    fc.record({ do: fc.constantFrom("crash" as const), restartAfterSteps: restart }, { requiredKeys: ["do"] }),
    fc.record({ do: fc.constantFrom("isolate" as const, "pause" as const), forMs: outage }, { requiredKeys: ["do"] }),
  );
  const onPersist = fc.oneof(crash, fc.record({ do: fc.constantFrom("crash-before-send" as const, "crash-during-write" as const), restartAfterSteps: restart }, { requiredKeys: ["do"] }));
  const onSend = fc.oneof(
    fc.record({ do: fc.constantFrom("drop" as const, "duplicate" as const) }),
    fc.record({ do: fc.constant("hold" as const), forMs: fc.oneof(fc.integer({ min: 1, max: SHORT_HOLD_MS }), fc.integer({ min: R.holdMs.min, max: R.holdMs.max })) }),
    fc.record({ do: fc.constant("crash-after-send" as const), restartAfterSteps: restart }, { requiredKeys: ["do"] }),
  );
  const send = fc.record(
    {
      type: fc.constant("trigger" as const),
      at,
      when: fc.record({ on: fc.constant("send" as const), from: node, to: node, ...(vocabulary.messageTypes.length > 0 ? { msgType: fc.constantFrom(...vocabulary.messageTypes) } : {}) }, { requiredKeys: ["on"] }),
      then: onSend,
    },
    { requiredKeys: ["type", "at", "when", "then"] },
  );
  const persist = fc.record({
    type: fc.constant("trigger" as const),
    at,
    when: fc.record({ on: fc.constant("persist" as const), node, ...(vocabulary.recordTypes.length > 0 ? { recordType: fc.constantFrom(...vocabulary.recordTypes) } : {}) }, { requiredKeys: ["on"] }),
    then: onPersist,
  });
  const clog = fc.record({ type: fc.constant("clog" as const), at, from: node, to: node, forMs: fc.integer({ min: R.outageMs.min, max: R.holdMs.max }) });
  // A broadcast cut takes half of the send arm's weight: the persist and state arms, which most
  // findings of the mutation bench need, keep their share (adding it as a third arm instead cost
  // them a sixth to a quarter of their draws, and measurably their rarest mutants).
  // A crash right after an answer takes half the plain send arm in turn. As an arm of its own it
  // took a tenth of every other arm's draws, and figure 8 (a persist trigger) went unfound on two
  // seeds; inside the send arm, a case without a send trigger is drawn exactly as before.
  const replies = vocabulary.replyTypes ?? [];
  const sendOrAnswer = replies.length === 0 ? send : fc.oneof(send, crashAfterReply(replies, at, node));
  const broadcast = vocabulary.broadcastTypes;
  const arms: fc.WeightedArbitrary<Trigger>[] = [
    { weight: 3, arbitrary: persist },
    { weight: broadcast === undefined ? 2 : 1, arbitrary: sendOrAnswer },
    { weight: 1, arbitrary: clog },
  ];
  if (broadcast !== undefined) arms.push({ weight: 1, arbitrary: broadcastCut(broadcast, at, node) });
  if (vocabulary.states.length > 0) {
    // One arm per declared state (no `map`, so a mutated case still shrinks without context).
    const when = fc.oneof(...vocabulary.states.map((s) => fc.record({ on: fc.constant("state" as const), node, path: fc.constant(s.path), equals: fc.constant(s.equals) }, { requiredKeys: ["on", "path", "equals"] })));
    arms.push({ weight: 4, arbitrary: fc.record({ type: fc.constant("trigger" as const), at, when, then: crash }) });
  }
  return fc.oneof(...arms);
}

/**
 * A crash in the middle of a broadcast: the sender of a message of a type it broadcasts crashes
 * right after that message left, so the peers after it in the step never get theirs (the first
 * one, when no receiver is named: a write left on one replica, a decision on one participant, a
 * vote request on one voter). It restarts within 5 steps in most cases: the value it left on a
 * minority only matters once the cluster runs on with it, and a node that stays down until the
 * window ends leaves the others' quorums no choice.
 */
function broadcastCut(types: readonly string[], at: fc.Arbitrary<number>, node: fc.Arbitrary<number>): fc.Arbitrary<Trigger> {
  const on = fc.constant("send" as const);
  // Typed as the record's fields (a spread of a conditional object widens `msgType` to unknown).
  const msgType: { msgType?: fc.Arbitrary<string> } = types.length > 0 ? { msgType: fc.constantFrom(...types) } : {};
  const restart = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: R.restartAfterSteps.min, max: Math.min(5, R.restartAfterSteps.max) }) }, { weight: 1, arbitrary: fc.integer({ min: R.restartAfterSteps.min, max: R.restartAfterSteps.max }) });
  return fc.record({
    type: fc.constant("trigger" as const),
    at,
    when: fc.oneof(
      // The first message of the broadcast (by any sender, or by one): it reaches one peer only.
      { weight: 3, arbitrary: fc.record({ on, ...msgType }) },
      { weight: 1, arbitrary: fc.record({ on, from: node, ...msgType }) },
      // A chosen cut: the messages sent before the one to `to` went out as well.
      { weight: 1, arbitrary: fc.record({ on, from: node, to: node, ...msgType }) },
    ),
    then: fc.record({ do: fc.constant("crash-after-send" as const), restartAfterSteps: restart }),
  });
}

/**
 * A crash right after an answer left: the sender of a message of a type it only ever sends as an
 * answer (a vote grant, an ack) crashes once it is out, the rest of its step lost (a write the
 * step made after the answer), and restarts within 3 steps in most cases, before the next
 * request of the same kind reaches it: so it answers that one from what its disk kept.
 */
function crashAfterReply(types: readonly string[], at: fc.Arbitrary<number>, node: fc.Arbitrary<number>): fc.Arbitrary<Trigger> {
  const on = fc.constant("send" as const);
  const msgType = fc.constantFrom(...types);
  const restart = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: R.restartAfterSteps.min, max: Math.min(3, R.restartAfterSteps.max) }) }, { weight: 1, arbitrary: fc.integer({ min: R.restartAfterSteps.min, max: R.restartAfterSteps.max }) });
  return fc.record({
    type: fc.constant("trigger" as const),
    at,
    when: fc.oneof({ weight: 3, arbitrary: fc.record({ on, msgType }) }, { weight: 1, arbitrary: fc.record({ on, from: node, msgType }) }),
    then: fc.record({ do: fc.constant("crash-after-send" as const), restartAfterSteps: restart }),
  });
}

/** The kernel actions of `triggers` for nodes `ids`, disarmed (unfired) at `windowMs`. */
export function triggerActions(triggers: readonly Trigger[], ids: readonly NodeId[], windowMs: number): FaultAction[] {
  const id = (i: number | undefined) => (i === undefined ? undefined : (ids[i % ids.length] as NodeId));
  const out: FaultAction[] = [];
  for (const t of triggers) {
    if (t.at >= windowMs) continue;
    if (t.type === "clog") {
      const from = id(t.from) as NodeId;
      const to = id(t.to) as NodeId;
      if (from !== to) out.push({ at: t.at, type: "clog", from, to, forMs: t.forMs });
      continue;
    }
    const w = t.when;
    const when =
      w.on === "persist"
        ? { on: w.on, ...(w.node === undefined ? {} : { node: id(w.node) as NodeId }), ...(w.recordType === undefined ? {} : { recordType: w.recordType }) }
        : w.on === "send"
          ? { on: w.on, ...(w.from === undefined ? {} : { from: id(w.from) as NodeId }), ...(w.to === undefined ? {} : { to: id(w.to) as NodeId }), ...(w.msgType === undefined ? {} : { msgType: w.msgType }) }
          : { on: w.on, ...(w.node === undefined ? {} : { node: id(w.node) as NodeId }), path: w.path, equals: w.equals };
    out.push({ at: t.at, type: "trigger", when, then: t.then, untilMs: windowMs } as FaultAction);
  }
  return out;
}

/** A short name of a trigger's kind, for coverage ("persist→crash-before-send", "clog"). */
export function triggerKind(t: Trigger | FaultAction): string {
  if (t.type === "clog") return "clog";
  if (t.type !== "trigger") return t.type;
  return `${t.when.on}→${t.then.do}`;
}

function int(field: string, v: unknown, min: number, max: number): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new SearchError(field, `expected a whole number in [${min}, ${max}], got ${JSON.stringify(v)}`);
}
function optInt(field: string, v: unknown, min: number, max: number): void {
  if (v !== undefined) int(field, v, min, max);
}
function optName(field: string, v: unknown): void {
  if (v !== undefined && (typeof v !== "string" || v.length === 0)) throw new SearchError(field, `expected a non-empty string, got ${JSON.stringify(v)}`);
}

const RESPONSES: Record<TriggerWhen["on"], readonly string[]> = {
  persist: ["crash", "crash-before-send", "crash-during-write", "isolate", "pause"],
  send: ["drop", "duplicate", "hold", "crash-after-send"],
  state: ["crash", "isolate", "pause"],
};

/** Checks one trigger (plain JSON from a user or a token); throws a {@link SearchError} naming the field. */
export function validateTrigger(t: Trigger, field = "trigger"): void {
  if (typeof t !== "object" || t === null) throw new SearchError(field, `expected a trigger object, got ${JSON.stringify(t)}`);
  if (!(TRIGGER_TYPES as readonly string[]).includes(t.type)) throw new SearchError(`${field}.type`, `unknown trigger type ${JSON.stringify(t.type)} (known: ${TRIGGER_TYPES.join(", ")})`);
  int(`${field}.at`, t.at, 0, 1e9);
  if (t.type === "clog") {
    int(`${field}.from`, t.from, 0, 1_000);
    int(`${field}.to`, t.to, 0, 1_000);
    int(`${field}.forMs`, t.forMs, 1, 1e9);
    return;
  }
  const w = t.when as Partial<Record<string, unknown>> | undefined;
  if (typeof w !== "object" || w === null) throw new SearchError(`${field}.when`, `expected { on: "persist" | "send" | "state", ... }, got ${JSON.stringify(w)}`);
  const on = w.on as TriggerWhen["on"];
  if (!(on in RESPONSES)) throw new SearchError(`${field}.when.on`, `expected "persist", "send" or "state", got ${JSON.stringify(w.on)}`);
  for (const k of ["node", "from", "to"] as const) optInt(`${field}.when.${k}`, w[k], 0, 1_000);
  optName(`${field}.when.recordType`, w.recordType);
  optName(`${field}.when.msgType`, w.msgType);
  if (on === "state") {
    if (typeof w.path !== "string" || w.path.length === 0) throw new SearchError(`${field}.when.path`, `expected a dot-separated field path such as "role", got ${JSON.stringify(w.path)}`);
    const v = w.equals;
    if (v !== null && typeof v !== "string" && typeof v !== "boolean" && !(typeof v === "number" && Number.isFinite(v))) throw new SearchError(`${field}.when.equals`, `expected a string, finite number, boolean or null, got ${JSON.stringify(v)}`);
  }
  const then = t.then as Partial<Record<string, unknown>> | undefined;
  if (typeof then !== "object" || then === null) throw new SearchError(`${field}.then`, `expected { do: ... }, got ${JSON.stringify(then)}`);
  if (!RESPONSES[on].includes(then.do as string)) throw new SearchError(`${field}.then.do`, `a ${on} trigger can ${RESPONSES[on].join(", ")}; got ${JSON.stringify(then.do)}`);
  optInt(`${field}.then.restartAfterSteps`, then.restartAfterSteps, 1, 1e9);
  if (then.do === "hold" || then.forMs !== undefined) int(`${field}.then.forMs`, then.forMs, 1, 1e9);
}
