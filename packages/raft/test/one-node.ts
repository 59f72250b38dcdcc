/**
 * Drives one Raft reducer by hand, in the style of etcd-io/raft's raft_paper_test.go: deliver a
 * message, fire a timer or hand a request, then read the state and the effects of that step.
 */
import type { Ctx, Effect, Input, NodeId } from "@faultline/kernel";
import {
  createRaftProtocol,
  defaultRaftRules,
  RaftLog,
  type Entry,
  type KvRequest,
  type KvResponse,
  type RaftConfigInput,
  type RaftMessage,
  type RaftProtocol,
  type RaftRecord,
  type RaftRules,
  type RaftState,
  type RaftTimer,
} from "@faultline/raft";

export type RaftEffect = Effect<RaftMessage, KvResponse, RaftRecord, RaftTimer>;

/** An entry of `term` putting `value` (default `v<term>`) at key "k". */
export const entry = (term: number, value = `v${term}`): Entry => ({ term, command: { op: "put", key: "k", value } });

/** How a {@link OneNode} is built: cluster size, config, rules, and (for a text-patched mutant) the patched copy's `createRaftProtocol`. */
export interface OneNodeOptions {
  size?: number;
  config?: RaftConfigInput;
  rules?: Partial<RaftRules>;
  create?: typeof createRaftProtocol;
}

/** One node "n1" of a cluster of `size` (ids n1..nN), with a settable clock and random draw. */
export class OneNode {
  readonly protocol: RaftProtocol;
  readonly ids: NodeId[];
  state: RaftState;
  /** The effects of the last step (or of boot). */
  effects: readonly RaftEffect[] = [];
  now = 0;
  random = 0;

  constructor(options: OneNodeOptions & { records?: RaftRecord[] } = {}) {
    this.ids = Array.from({ length: options.size ?? 3 }, (_, i) => `n${i + 1}`);
    this.protocol = (options.create ?? createRaftProtocol)({ config: { preVote: false, ...options.config }, rules: { ...defaultRaftRules, ...options.rules } });
    const boot = this.protocol.init(this.ctx(), options.records ?? []);
    this.state = boot.state;
    this.effects = boot.effects;
  }

  ctx(): Ctx {
    return { self: "n1", nodes: this.ids, now: () => this.now, random: () => this.random };
  }

  step(input: Input<RaftMessage, KvRequest, RaftTimer>): this {
    const out = this.protocol.step(this.state, input, this.ctx());
    this.state = out.state;
    this.effects = out.effects;
    return this;
  }

  deliver(from: NodeId, msg: RaftMessage): this {
    return this.step({ type: "message", from, msg });
  }

  timer(kind: "election" | "heartbeat"): this {
    return this.step({ type: "timer", timer: { kind } });
  }

  request(req: KvRequest, client = "c", id = 1): this {
    return this.step({ type: "request", client, id, req });
  }

  /** Messages the last step sent, as [to, message], optionally of one type. */
  sent<T extends RaftMessage["type"]>(type?: T): [NodeId, Extract<RaftMessage, { type: T }>][] {
    const out: [NodeId, Extract<RaftMessage, { type: T }>][] = [];
    for (const e of this.effects) if (e.type === "send" && (type === undefined || e.msg.type === type)) out.push([e.to, e.msg as Extract<RaftMessage, { type: T }>]);
    return out;
  }

  /** The kinds of the last step's effects, in order (e.g. to see a persist before a send). */
  kinds(): string[] {
    return this.effects.map((e) => (e.type === "send" ? `send ${e.msg.type}` : e.type));
  }

  /** Makes n1 the leader of `term` (votes from peers until it wins, preVote off), its log `log` followed by its no-op; `effects` are those of its winning step. */
  static leader(term: number, log: Entry[] = [], options: OneNodeOptions = {}): OneNode {
    const records: RaftRecord[] = [{ type: "term", term: term - 1, votedFor: null }];
    if (log.length > 0) records.push({ type: "append", index: 1, entries: log });
    const node = new OneNode({ ...options, records }).timer("election");
    for (const peer of node.ids.slice(1)) if (node.state.role !== "leader") node.deliver(peer, { type: "vote-reply", term, granted: true });
    if (node.state.role !== "leader") throw new Error(`n1 did not become leader of term ${term}`);
    return node;
  }

  /** A follower n1 in `term` holding `log`, as restarted from its records. */
  static follower(term: number, log: Entry[] = [], options: OneNodeOptions = {}): OneNode {
    const records: RaftRecord[] = [{ type: "term", term, votedFor: null }];
    if (log.length > 0) records.push({ type: "append", index: 1, entries: log });
    return new OneNode({ ...options, records });
  }
}

/** A log of `entries` after an empty snapshot. */
export const logOf = (entries: Entry[]) => RaftLog.of({ index: 0, term: 0, machine: { data: {}, sessions: {} } }, entries);
