/** Frames between nodes and from clients, and their checks. */
import type { AnyProtocol, NodeId } from "@faultline/kernel";

/** Every frame kind on the wire. */
export type Envelope =
  | { kind: "hello"; from: NodeId; to: NodeId; cluster: string; nonce: string }
  | { kind: "welcome"; nonce: string; proof: string }
  | { kind: "auth"; proof: string }
  | { kind: "msg"; msg: unknown }
  | { kind: "request"; client: string; id: number; req: unknown; token?: string }
  | { kind: "status"; id: number; tx?: string; token?: string }
  | { kind: "reply"; id: number; res?: unknown; error?: string }
  | { kind: "ping" }
  | { kind: "pong" };

const KINDS = "hello, welcome, auth, msg, request, status, ping or pong";
const show = (v: unknown) => JSON.stringify(v) ?? String(v);
const str = (e: Record<string, unknown>, field: string, max = 256) =>
  typeof e[field] === "string" && (e[field] as string).length > 0 && (e[field] as string).length <= max ? undefined : `${e.kind}.${field}: expected a string of 1 to ${max} characters, got ${show(e[field]).slice(0, 60)}`;
const id = (e: Record<string, unknown>) => (typeof e.id === "number" && Number.isSafeInteger(e.id) && e.id >= 0 ? undefined : `${e.kind}.id: expected a whole number >= 0, got ${show(e.id)}`);

/** Checks an envelope's shape (and the protocol's payload); returns what is wrong or undefined. */
export function checkEnvelope(v: unknown, protocol: AnyProtocol): string | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "frame: expected a JSON object";
  const e = v as Record<string, unknown>;
  switch (e.kind) {
    case "hello":
      return str(e, "from") ?? str(e, "to") ?? (typeof e.cluster === "string" ? undefined : "hello.cluster: expected a string") ?? str(e, "nonce", 64);
    case "welcome":
      return str(e, "nonce", 64) ?? str(e, "proof", 128);
    case "auth":
      return str(e, "proof", 128);
    case "msg": {
      const bad = protocol.validateMessage?.(e.msg);
      return bad === undefined ? undefined : `msg.${bad}`;
    }
    case "request": {
      const bad = str(e, "client") ?? id(e) ?? (e.token === undefined ? undefined : str(e, "token"));
      if (bad !== undefined) return bad;
      const badReq = protocol.validateRequest?.(e.req);
      return badReq === undefined ? undefined : `request.req.${badReq}`;
    }
    case "status":
      return id(e) ?? (e.tx === undefined ? undefined : str(e, "tx")) ?? (e.token === undefined ? undefined : str(e, "token"));
    case "ping":
    case "pong":
      return undefined;
    default:
      return `kind: expected ${KINDS}, got ${show(e.kind) ?? "nothing"}`;
  }
}
