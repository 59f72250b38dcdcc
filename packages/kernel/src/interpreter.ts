/**
 * The one effect interpreter: how a step's effects reach a world. The simulator and the TCP
 * runtime both carry out effects through {@link interpretEffects}, so both validate the same
 * way and both keep the contract's persist-before-send rule; they differ only in the
 * {@link EffectWorld} they hand it (a virtual network and log, or sockets and a file).
 */
import { ProtocolError } from "./errors.js";
import { MessageEvent } from "./events.js";
import { timerKey, type AnyProtocol, type ClientId, type Ctx, type Effect, type Input, type NodeId, type RequestId, type Step, type Timer } from "./protocol.js";
import { describeValue, isNonEmptyString } from "./validate.js";

/**
 * What one step wrote to durable storage, handed over as one batch before any message or reply
 * of the step leaves the node. When the step compacted, `snapshot` is its last compaction: the
 * log becomes `[snapshot, ...records]`; otherwise `records` are appended to the log.
 */
export interface DurableWrite<Rec = unknown> {
  /** True when the step compacted: the whole log is replaced by `snapshot` before `records` are appended. */
  readonly compacted: boolean;
  /** The last compaction's snapshot (meaningful only when `compacted`). */
  readonly snapshot: Rec | undefined;
  /** Records persisted after the last compaction (or in the whole step), in effect order. */
  readonly records: readonly Rec[];
}

/**
 * Tells the interpreter to drop the rest of the step after a durable write (the node crashed
 * between the write and its sends: the write survives, the messages and replies are lost) or
 * after a send (the node crashed right after the message left).
 */
export const CRASHED_AFTER_WRITE = "crashed-after-write";

/** The world a node's effects act on: the simulator's virtual one or the TCP runtime's real one. */
export interface EffectWorld<Msg = unknown, Res = unknown, Rec = unknown, Tmr extends Timer = Timer> {
  /** True when `id` names a node of the cluster (a send anywhere else is a protocol error). */
  isNode(id: NodeId): boolean;
  /**
   * Makes records durable: called with what the step persisted since its last send or reply,
   * before the next one (or at the end of the step), so usually once per step; returning
   * {@link CRASHED_AFTER_WRITE} drops the step's remaining effects.
   */
  write(batch: DurableWrite<Rec>): void | typeof CRASHED_AFTER_WRITE;
  /** Sends `msg`; returning {@link CRASHED_AFTER_WRITE} drops the step's remaining effects (the sender crashed right after it). */
  send(to: NodeId, msg: Msg): void | typeof CRASHED_AFTER_WRITE;
  /** Arms `timer` (its key precomputed by {@link timerKey}), replacing a pending one with the same key. */
  setTimer(timer: Tmr, key: string, afterMs: number): void;
  cancelTimer(timer: Tmr, key: string): void;
  reply(client: ClientId, id: RequestId, res: Res): void;
}

/**
 * Validates every effect of one step, then carries them out in the order the step emitted them.
 * Persists and compactions are gathered into one durable write, handed to the world before the
 * next send or reply (the contract: a persist is durable before any LATER send or reply of the
 * step) or at the end of the step; a compaction supersedes the records before it. A send emitted
 * before a persist leaves before it: that order is the protocol's to get right, and a simulated
 * crash can show the difference. A step with one bad effect changes nothing: it throws a
 * {@link ProtocolError} naming the node, the effect's index and the field before anything is
 * applied.
 */
export function interpretEffects<Msg, Res, Rec, Tmr extends Timer>(
  effects: readonly Effect<Msg, Res, Rec, Tmr>[],
  world: EffectWorld<Msg, Res, Rec, Tmr>,
  node: NodeId,
): void {
  if (!Array.isArray(effects as unknown)) throw new ProtocolError(node, `node ${node} returned effects that are not an array: ${describeValue(effects)}`, "effects");
  const n = effects.length;
  if (n === 0) return;
  // True while every effect seen is a send: such a step has nothing to write, so its sends go
  // out in one plain loop below (most steps of most protocols only send).
  let onlySends = true;
  for (let i = 0; i < n; i++) {
    const effect = effects[i] as Effect<Msg, Res, Rec, Tmr>;
    // The common case, a send of a number, a string or a plain object to a known node, checked
    // here without a call; anything else goes through checkEffect.
    if (typeof effect === "object" && effect !== null && effect.type === "send") {
      const to = effect.to;
      const msg = effect.msg as unknown;
      const t = typeof msg;
      if (typeof to === "string" && (t === "string" || (t === "number" && Number.isFinite(msg)) || (t === "object" && msg !== null && Object.getPrototypeOf(msg) === Object.prototype)) && world.isNode(to)) continue;
    }
    checkEffect(effect, i, world, node);
    if (effect.type !== "send") onlySends = false;
  }
  if (onlySends) {
    for (let i = 0; i < n; i++) {
      const send = effects[i] as Extract<Effect<Msg, Res, Rec, Tmr>, { type: "send" }>;
      world.send(send.to, send.msg);
    }
    return;
  }
  carryOut(effects, world);
}

/** Carries out validated effects in order, gathering persists and compactions into durable writes (see {@link interpretEffects}). */
function carryOut<Msg, Res, Rec, Tmr extends Timer>(effects: readonly Effect<Msg, Res, Rec, Tmr>[], world: EffectWorld<Msg, Res, Rec, Tmr>): void {
  // The pending durable write; a plain loop with no closure (this runs once per step, hot).
  let batch: { compacted: boolean; snapshot: Rec | undefined; records: Rec[] } | undefined;
  for (let i = 0; i < effects.length; i++) {
    const effect = effects[i] as Effect<Msg, Res, Rec, Tmr>;
    switch (effect.type) {
      case "persist":
        (batch ??= { compacted: false, snapshot: undefined, records: [] }).records.push(effect.record);
        break;
      case "compact":
        batch = { compacted: true, snapshot: effect.snapshot, records: [] };
        break;
      case "send":
        if (batch !== undefined) {
          const written = batch;
          batch = undefined;
          if (world.write(written) === CRASHED_AFTER_WRITE) return;
        }
        if (world.send(effect.to, effect.msg) === CRASHED_AFTER_WRITE) return;
        break;
      case "reply":
        if (batch !== undefined) {
          const written = batch;
          batch = undefined;
          if (world.write(written) === CRASHED_AFTER_WRITE) return;
        }
        world.reply(effect.client, effect.id, effect.res);
        break;
      case "set-timer":
        world.setTimer(effect.timer, timerKey(effect.timer), effect.afterMs);
        break;
      case "cancel-timer":
        world.cancelTimer(effect.timer, timerKey(effect.timer));
        break;
      default:
        return unreachable(effect);
    }
  }
  if (batch !== undefined) world.write(batch);
}

/** Throws a ProtocolError when `effect` cannot be carried out; returns true for a durable effect. */
function checkEffect<Msg, Res, Rec, Tmr extends Timer>(effect: Effect<Msg, Res, Rec, Tmr>, index: number, world: EffectWorld<Msg, Res, Rec, Tmr>, node: NodeId): boolean {
  if (typeof effect !== "object" || effect === null) return badEffect(node, index, effect, "", `expected an effect object, got ${describeValue(effect)}`);
  switch (effect.type) {
    case "send":
      if (typeof effect.to !== "string" || !world.isNode(effect.to)) return badEffect(node, index, effect, "to", `unknown node ${describeValue(effect.to)}`);
      if (!isJsonShaped(effect.msg)) return badEffect(node, index, effect, "msg", `expected plain JSON data, got ${describeValue(effect.msg)}`);
      return false;
    case "set-timer": {
      checkTimer(effect.timer, node, index, effect);
      const after = effect.afterMs;
      if (typeof after !== "number" || !(after >= 0) || !Number.isFinite(after)) return badEffect(node, index, effect, "afterMs", `expected a finite number of ms ≥ 0, got ${describeValue(after)}`);
      return false;
    }
    case "cancel-timer":
      checkTimer(effect.timer, node, index, effect);
      return false;
    case "persist":
      if (!isJsonShaped(effect.record)) return badEffect(node, index, effect, "record", `expected plain JSON data, got ${describeValue(effect.record)}`);
      return true;
    case "compact":
      if (!isJsonShaped(effect.snapshot)) return badEffect(node, index, effect, "snapshot", `expected plain JSON data, got ${describeValue(effect.snapshot)}`);
      return true;
    case "reply":
      if (!isNonEmptyString(effect.client)) return badEffect(node, index, effect, "client", `expected a non-empty client id, got ${describeValue(effect.client)}`);
      if (!Number.isInteger(effect.id)) return badEffect(node, index, effect, "id", `expected a whole request id, got ${describeValue(effect.id)}`);
      if (!isJsonShaped(effect.res)) return badEffect(node, index, effect, "res", `expected plain JSON data, got ${describeValue(effect.res)}`);
      return false;
    default:
      return badEffect(node, index, effect, "type", `unknown effect type ${describeValue((effect as { type?: unknown }).type)}`);
  }
}

/** Throws the ProtocolError of a bad effect: `node n1 emitted a bad effect: effects[2].afterMs (set-timer): …`. */
function badEffect(node: NodeId, index: number, effect: unknown, field: string, problem: string): never {
  const path = `effects[${index}]${field === "" ? "" : `.${field}`}`;
  const kind = typeof effect === "object" && effect !== null ? ` (${describeValue((effect as { type?: unknown }).type)})` : "";
  throw new ProtocolError(node, `node ${node} emitted a bad effect: ${path}${kind}: ${problem}`, path);
}

function checkTimer(timer: unknown, node: NodeId, index: number, effect: unknown): void {
  if (typeof timer !== "object" || timer === null || Array.isArray(timer)) badEffect(node, index, effect, "timer", `expected a timer object { kind, ...fields }, got ${describeValue(timer)}`);
  const fields = timer as Record<string, unknown>;
  if (typeof fields.kind !== "string") badEffect(node, index, effect, "timer.kind", `expected a string, got ${describeValue(fields.kind)}`);
  for (const key in fields) {
    const v = fields[key];
    if (v !== null && typeof v !== "string" && typeof v !== "boolean" && !(typeof v === "number" && Number.isFinite(v))) {
      badEffect(node, index, effect, `timer.${key}`, `timer fields must be strings, finite numbers, booleans or null, got ${describeValue(v)}`);
    }
  }
}

/**
 * True when `value` is JSON-shaped at its top level: null, a boolean, a finite number, a string,
 * an array or a plain object. Nested values are not walked (that would cost a walk per effect on
 * the hot path); the contract asks for plain JSON data throughout.
 */
function isJsonShaped(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null || Array.isArray(value)) return true;
      const proto = Object.getPrototypeOf(value) as unknown;
      // A delivered message is its own input object (MessageEvent): forwarding it whole is sending `{ type, from, msg }`.
      return proto === Object.prototype || proto === null || proto === MessageEvent.prototype;
    }
    default:
      return false;
  }
}

function unreachable(effect: never): never {
  throw new Error(`unhandled effect ${describeValue(effect)}`);
}

/** Checks that a protocol returned a `{ state, effects }` step; `what` names the call (built only on error). */
function checkStep(out: unknown, node: NodeId, what: () => string): Step<unknown, unknown, unknown, unknown> {
  if (typeof out !== "object" || out === null || !Array.isArray((out as { effects?: unknown }).effects)) {
    throw new ProtocolError(node, `node ${node} ${what()} returned ${describeValue(out)}, expected { state, effects }`, "effects");
  }
  return out as Step<unknown, unknown, unknown, unknown>;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `protocol.step`; a throw or a malformed result becomes a {@link ProtocolError} naming the node and the input. */
export function runStep(protocol: AnyProtocol, state: unknown, input: Input<unknown, unknown>, ctx: Ctx): Step<unknown, unknown, unknown, unknown> {
  let out: unknown;
  try {
    out = protocol.step(state, input, ctx);
  } catch (err) {
    throw new ProtocolError(ctx.self, `node ${ctx.self} threw on ${input.type}: ${errorText(err)}`);
  }
  if (typeof out === "object" && out !== null && Array.isArray((out as { effects?: unknown }).effects)) return out as Step<unknown, unknown, unknown, unknown>;
  return checkStep(out, ctx.self, () => `step on ${input.type}`);
}

/** Runs `protocol.init`; a throw or a malformed result becomes a {@link ProtocolError} naming the node. */
export function runInit(protocol: AnyProtocol, ctx: Ctx, records: readonly unknown[]): Step<unknown, unknown, unknown, unknown> {
  let out: unknown;
  try {
    out = protocol.init(ctx, records);
  } catch (err) {
    throw new ProtocolError(ctx.self, `node ${ctx.self} threw in init: ${errorText(err)}`);
  }
  return checkStep(out, ctx.self, () => "init");
}
