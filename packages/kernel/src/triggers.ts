/**
 * Faults triggered by protocol events rather than by time: crash a node right after it persists
 * (or between its write and its sends), drop, duplicate or hold the next message of a type or
 * crash its sender right after it left, act
 * on the node whose state just reached a value (the new leader). A trigger is a plan action
 * (`type: "trigger"`), plain JSON, armed at its `at`, fired once by the first matching event.
 */
import { ConfigError } from "./errors.js";
import type { NodeId } from "./protocol.js";
import { describeValue, isNonEmptyString, isObject, isPositiveInteger, isPositiveNumber } from "./validate.js";

/** A scalar a state trigger compares with. */
export type TriggerValue = string | number | boolean | null;

/** What a trigger waits for. `node`, `from` and `to` left out mean any node. */
export type TriggerCondition =
  /** The next step of `node` that persisted a record (whose `type` field is `recordType`, when given). */
  | { readonly on: "persist"; readonly node?: NodeId; readonly recordType?: string }
  /** The next message sent from `from` to `to` (whose `type` field is `msgType`, when given). */
  | { readonly on: "send"; readonly from?: NodeId; readonly to?: NodeId; readonly msgType?: string }
  /**
   * The next step after which the stepping node's state at `path` (dot-separated fields) equals
   * `equals` while it did not before: e.g. `{ on: "state", path: "role", equals: "leader" }` is
   * the node that just became leader.
   */
  | { readonly on: "state"; readonly node?: NodeId; readonly path: string; readonly equals: TriggerValue };

/** What a fired trigger does to the node (or, for `send`, the message) it matched. */
export type TriggerResponse =
  /** Crash the node right after the step (its sends went out); restart it after `restartAfterSteps` more steps if given. */
  | { readonly do: "crash"; readonly restartAfterSteps?: number }
  /** `persist` only: crash between the step's durable write and its sends — the write survives, sends and replies are lost. */
  | { readonly do: "crash-before-send"; readonly restartAfterSteps?: number }
  /**
   * `persist` only: crash while the write is under way — the write is lost, what the step sent
   * before it went out, the rest of the step is lost. It tells "send, then persist" from the
   * right order: a vote or an answer that left before the record it depends on was on disk.
   */
  | { readonly do: "crash-during-write"; readonly restartAfterSteps?: number }
  /** Cut the node off both ways; heal every link after `forMs` if given. */
  | { readonly do: "isolate"; readonly forMs?: number }
  /** Freeze the node; resume it after `forMs` if given. */
  | { readonly do: "pause"; readonly forMs?: number }
  /** `send` only: lose the message. */
  | { readonly do: "drop" }
  /** `send` only: deliver the message twice. */
  | { readonly do: "duplicate" }
  /** `send` only: hold the message `forMs` beyond its latency; later messages on the link overtake it. */
  | { readonly do: "hold"; readonly forMs: number }
  /**
   * `send` only: the sender crashes right after the message left — what its step persisted or
   * sent before went out, the rest of the step is lost ("crash right after answering"). It tells
   * an answer sent before the write it depends on from the right order, and it loses whatever a
   * step should have persisted but did not.
   */
  | { readonly do: "crash-after-send"; readonly restartAfterSteps?: number };

/** A triggered fault, as a plan action. */
export interface TriggerAction {
  /** Armed from this virtual time on. */
  readonly at: number;
  readonly type: "trigger";
  readonly when: TriggerCondition;
  readonly then: TriggerResponse;
  /** Disarmed, unfired, at this virtual time: it fires only before it (default: armed until it fires). */
  readonly untilMs?: number;
}

const RESPONSES: Record<TriggerCondition["on"], readonly TriggerResponse["do"][]> = {
  persist: ["crash", "crash-before-send", "crash-during-write", "isolate", "pause"],
  send: ["drop", "duplicate", "hold", "crash-after-send"],
  state: ["crash", "isolate", "pause"],
};

/** Checks a trigger action's fields (its `at` is checked with every action); throws a ConfigError naming the field. */
export function checkTrigger(field: string, a: TriggerAction, checkNode: (field: string, id: unknown) => void): void {
  const when = a.when as Partial<Record<string, unknown>> | undefined;
  if (!isObject(when)) throw new ConfigError(`${field}.when`, `expected a condition { on: "persist" | "send" | "state", ... }, got ${describeValue(when)}`);
  const on = when.on;
  if (on !== "persist" && on !== "send" && on !== "state") throw new ConfigError(`${field}.when.on`, `expected "persist", "send" or "state", got ${describeValue(on)}`);
  for (const key of ["node", "from", "to"] as const) if (when[key] !== undefined) checkNode(`${field}.when.${key}`, when[key]);
  if (on === "persist" && when.recordType !== undefined && !isNonEmptyString(when.recordType)) throw new ConfigError(`${field}.when.recordType`, `expected a non-empty string, got ${describeValue(when.recordType)}`);
  if (on === "send" && when.msgType !== undefined && !isNonEmptyString(when.msgType)) throw new ConfigError(`${field}.when.msgType`, `expected a non-empty string, got ${describeValue(when.msgType)}`);
  if (on === "state") {
    if (!isNonEmptyString(when.path)) throw new ConfigError(`${field}.when.path`, `expected a dot-separated field path such as "role", got ${describeValue(when.path)}`);
    const v = when.equals;
    if (v !== null && typeof v !== "string" && typeof v !== "boolean" && !(typeof v === "number" && Number.isFinite(v))) {
      throw new ConfigError(`${field}.when.equals`, `expected a string, finite number, boolean or null, got ${describeValue(v)}`);
    }
  }
  const then = a.then as Partial<Record<string, unknown>> | undefined;
  if (!isObject(then)) throw new ConfigError(`${field}.then`, `expected a response { do: ... }, got ${describeValue(then)}`);
  const allowed = RESPONSES[on];
  if (!allowed.includes(then.do as TriggerResponse["do"])) throw new ConfigError(`${field}.then.do`, `a ${on} trigger can ${allowed.join(", ")}; got ${describeValue(then.do)}`);
  if (then.restartAfterSteps !== undefined && !isPositiveInteger(then.restartAfterSteps)) throw new ConfigError(`${field}.then.restartAfterSteps`, `expected a whole number > 0, got ${describeValue(then.restartAfterSteps)}`);
  if (then.do === "hold" && !isPositiveNumber(then.forMs)) throw new ConfigError(`${field}.then.forMs`, `expected a positive number of ms, got ${describeValue(then.forMs)}`);
  if (then.forMs !== undefined && !isPositiveNumber(then.forMs)) throw new ConfigError(`${field}.then.forMs`, `expected a positive number of ms, got ${describeValue(then.forMs)}`);
  if (a.untilMs !== undefined && !(typeof a.untilMs === "number" && a.untilMs >= a.at)) throw new ConfigError(`${field}.untilMs`, `expected a time ≥ at (${a.at}), got ${describeValue(a.untilMs)}`);
}

/** An armed trigger, its state path split once. */
interface Armed {
  readonly action: TriggerAction;
  readonly path: readonly string[];
}

/** Reads a dot-separated path of plain fields; undefined when a step is missing. */
function read(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function typeOf(data: unknown): unknown {
  return typeof data === "object" && data !== null ? (data as { type?: unknown }).type : undefined;
}

/** The armed triggers of a run, by condition, and the restarts they promised. */
export class Triggers {
  constructor(
    private persist: Armed[],
    private send: Armed[],
    private state: Armed[],
    /** Crashed nodes to restart once the run has processed `atEvent` events. */
    private restarts: { readonly node: NodeId; readonly atEvent: number }[],
    /** The triggers that fired, in firing order (what a sweep reports as faults that bit). */
    private firedList: TriggerAction[] = [],
  ) {}

  /** No trigger armed. */
  static empty(): Triggers {
    return new Triggers([], [], [], []);
  }

  /** A copy (armed triggers are immutable data). */
  clone(): Triggers {
    return new Triggers(this.persist.slice(), this.send.slice(), this.state.slice(), this.restarts.slice(), this.firedList.slice());
  }

  /** The triggers that have fired so far, in firing order. */
  get fired(): readonly TriggerAction[] {
    return this.firedList;
  }

  /** True when some persist trigger is armed (the hot path checks this first). */
  get watchesPersist(): boolean {
    return this.persist.length > 0;
  }
  get watchesSend(): boolean {
    return this.send.length > 0;
  }
  get watchesState(): boolean {
    return this.state.length > 0;
  }
  /** The event count at which the earliest promised restart is due (Infinity when none). */
  get nextRestartAt(): number {
    if (this.restarts.length === 0) return Infinity; // the hot path: checked after every step
    let next = Infinity;
    for (const r of this.restarts) if (r.atEvent < next) next = r.atEvent;
    return next;
  }

  /** Arms a trigger. */
  arm(action: TriggerAction): void {
    const armed: Armed = { action, path: action.when.on === "state" ? action.when.path.split(".") : [] };
    if (action.when.on === "persist") this.persist.push(armed);
    else if (action.when.on === "send") this.send.push(armed);
    else this.state.push(armed);
  }

  /** Promises a restart of `node` after the run has processed `atEvent` events. */
  promiseRestart(node: NodeId, atEvent: number): void {
    this.restarts.push({ node, atEvent });
  }

  /** Removes and returns the restarts due at `events`, in promise order. */
  dueRestarts(events: number): NodeId[] {
    const due = this.restarts.filter((r) => r.atEvent <= events).map((r) => r.node);
    if (due.length > 0) this.restarts = this.restarts.filter((r) => r.atEvent > events);
    return due;
  }

  /** The first armed persist trigger matching a write of `node` (with `records`), disarmed. */
  firePersist(node: NodeId, records: readonly unknown[], time: number): TriggerAction | undefined {
    return this.record(take(this.persist, time, (a) => {
      const when = a.action.when as Extract<TriggerCondition, { on: "persist" }>;
      if (when.node !== undefined && when.node !== node) return false;
      return when.recordType === undefined || records.some((r) => typeOf(r) === when.recordType);
    }));
  }

  /** The first armed send trigger matching `msg` from `from` to `to`, disarmed. */
  fireSend(from: NodeId, to: NodeId, msg: unknown, time: number): TriggerAction | undefined {
    return this.record(take(this.send, time, (a) => {
      const when = a.action.when as Extract<TriggerCondition, { on: "send" }>;
      return (when.from === undefined || when.from === from) && (when.to === undefined || when.to === to) && (when.msgType === undefined || typeOf(msg) === when.msgType);
    }));
  }

  /** The first armed state trigger whose value `node` just reached (after, not before), disarmed. */
  fireState(node: NodeId, before: unknown, after: unknown, time: number): TriggerAction | undefined {
    return this.record(take(this.state, time, (a) => {
      const when = a.action.when as Extract<TriggerCondition, { on: "state" }>;
      if (when.node !== undefined && when.node !== node) return false;
      return read(after, a.path) === when.equals && read(before, a.path) !== when.equals;
    }));
  }

  /** Notes `action` as fired (when one did) and returns it. */
  private record(action: TriggerAction | undefined): TriggerAction | undefined {
    if (action !== undefined) this.firedList.push(action);
    return action;
  }

  /** The armed triggers and promised restarts (as steps still to go after `events`), as plain data for fingerprints. */
  snapshot(events: number): unknown {
    return [this.persist.map((a) => a.action), this.send.map((a) => a.action), this.state.map((a) => a.action), this.restarts.map((r) => [r.node, r.atEvent - events])];
  }
}

/** Removes expired triggers, then the first one `match` accepts; returns its action. */
function take(list: Armed[], time: number, match: (a: Armed) => boolean): TriggerAction | undefined {
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as Armed;
    if (a.action.untilMs !== undefined && a.action.untilMs <= time) {
      list.splice(i--, 1);
      continue;
    }
    if (match(a)) {
      list.splice(i, 1);
      return a.action;
    }
  }
  return undefined;
}
