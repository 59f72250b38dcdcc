/**
 * Peer authentication: a cluster id and a shared secret, proven by an HMAC-SHA256
 * challenge-response in the handshake (no secret ever crosses the wire, and each proof covers
 * both nonces, so a recorded handshake cannot be replayed):
 *
 * 1. the connecting node sends `hello { from, to, cluster, nonce }`;
 * 2. the accepting node checks the cluster id and that `from` is a peer, and answers
 *    `welcome { nonce, proof }`, its proof of the secret;
 * 3. the connecting node checks that proof and sends `auth { proof }`, its own;
 * 4. the accepting node checks it; only then are the peer's messages accepted.
 *
 * Mutual TLS would also do, but needs a CA and certificates per node; a shared secret in the
 * cluster file is one line to set up and enough to keep forged and foreign peers out.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The cluster a node belongs to and the secret its peers share. */
export interface ClusterAuth {
  /** Names the cluster: a node of another cluster is refused even with the same secret. */
  readonly clusterId: string;
  /** Shared by every node of the cluster; keep it out of logs. */
  readonly secret: string;
}

/** A fresh random nonce (hex). */
export function nonce(): string {
  return randomBytes(16).toString("hex");
}

/** The proof `role` ("acceptor" or "connector") gives for a handshake between `from` and `to`. */
export function proof(auth: ClusterAuth, role: "acceptor" | "connector", from: string, to: string, connectorNonce: string, acceptorNonce: string): string {
  return createHmac("sha256", auth.secret).update(["faultline/1", role, auth.clusterId, from, to, connectorNonce, acceptorNonce].join("\u0000")).digest("hex");
}

/** Compares a received proof with the expected one in constant time. */
export function proofMatches(expected: string, received: unknown): boolean {
  if (typeof received !== "string" || received.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(received));
}

/** Compares a client token in constant time. */
export function tokenMatches(expected: string, received: unknown): boolean {
  return proofMatches(createHmac("sha256", "token").update(expected).digest("hex"), typeof received === "string" ? createHmac("sha256", "token").update(received).digest("hex") : undefined);
}
