/**
 * Closed-loop clients of the register, as the kernel's client actors: each client sends one
 * request at a time to a node it picks with its own seeded stream, waits for the reply or gives up
 * after `timeoutMs` (the request stays open in the history: it may still take effect), thinks,
 * and sends the next. Every write writes a value no other write writes, so a read's answer names
 * the write it saw.
 */
import type { ClientActor, ClientSpec } from "faultline";
import type { RegisterReply, RegisterRequest } from "./register.js";

/** The shape of one client's work. */
export interface ClientPlan {
  /** Requests the client sends, in all. */
  readonly ops: number;
  /** Chance, in percent, that a request is a read. */
  readonly readPercent: number;
  /** Pause between a reply (or a timeout) and the next request. */
  readonly thinkMs: number;
  /** Give up on a request after this long. */
  readonly timeoutMs: number;
}

interface ClientState {
  readonly sent: number;
}

/** A client named `id` that talks to `nodes`. */
export function registerClient(id: string, nodes: readonly string[], plan: ClientPlan): ClientActor<ClientState, RegisterRequest, RegisterReply> {
  const next = (sent: number, random: () => number, afterMs: number) => {
    if (sent >= plan.ops) return { state: { sent } };
    const node = nodes[Math.floor(random() * nodes.length)] as string;
    const req: RegisterRequest = random() * 100 < plan.readPercent ? { op: "read" } : { op: "write", value: `${id}:${sent + 1}` };
    return { state: { sent: sent + 1 }, next: { node, req, afterMs, timeoutMs: plan.timeoutMs } };
  };
  return {
    name: "register-client",
    start: (random) => next(0, random, 0),
    onReply: (s, _reply, random) => next(s.sent, random, plan.thinkMs),
    onTimeout: (s, _op, random) => next(s.sent, random, plan.thinkMs),
  };
}

/** `count` clients `c1`, `c2`, … with the same plan. */
export function registerClients(count: number, nodes: readonly string[], plan: ClientPlan): ClientSpec[] {
  return Array.from({ length: count }, (_, i) => ({ id: `c${i + 1}`, actor: registerClient(`c${i + 1}`, nodes, plan) }));
}
