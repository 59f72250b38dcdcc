/**
 * A pub/sub broker: a Raft node running {@link pubsubMachine}, plus what each broker keeps for
 * itself — its hybrid logical clock, a phi-accrual detector and clock-offset samples per peer.
 * Raft stays unaware of topics: the broker hands it log commands and passes its messages, timers
 * and records through unchanged. Brokers ping each other every `probeIntervalMs`; the ping and
 * its reply carry the four timestamps of an SNTP exchange and serve as heartbeats.
 */
import type { Ctx, Effect, Input, NodeId, Protocol, Step } from "@faultline/kernel";
import { createRaftProtocol, RaftLog, type RaftMessage, type RaftRecord, type RaftState, type RaftTimer, type StateMachine } from "@faultline/raft";
import { resolvePubSubConfig, type PubSubConfig, type PubSubConfigInput } from "./config.js";
import { pubsubMachine, type PubSubMachineState } from "./machine.js";
import { HLC_ZERO, hlcReceive, hlcTick, maxHlc, type Hlc } from "./time/hlc.js";
import { phiHeartbeat, phiLevel, phiStart, type PhiOptions, type PhiState } from "./time/phi.js";
import { addSample, bestSample, offsetSample, type OffsetSample } from "./time/sntp.js";
import type { PeerStatus, PubSubCommand, PubSubRequest, PubSubResponse } from "./types.js";
import { validateBrokerMessage, validatePubSubRequest } from "./validate.js";

/** What one broker keeps about one peer. */
export interface PeerState {
  readonly phi: PhiState;
  readonly samples: readonly OffsetSample[];
}

/** A broker's state: the Raft node's, and its own clocks and detectors (volatile). */
export interface BrokerState {
  readonly raft: RaftState;
  readonly hlc: Hlc;
  readonly peers: Readonly<Record<NodeId, PeerState>>;
}

/** Broker-to-broker messages besides Raft's: the probe and its reply (the four timestamps). */
export type ProbeMessage =
  | { readonly type: "probe"; readonly t1: number; readonly hlc: Hlc }
  | { readonly type: "probe-reply"; readonly t1: number; readonly t2: number; readonly t3: number; readonly hlc: Hlc };

/** Every message between brokers. */
export type BrokerMessage = RaftMessage | ProbeMessage;

/** A broker's timers: Raft's and the probe. */
export type BrokerTimer = RaftTimer | { readonly kind: "probe" };

/** What one broker step returns (as the hooks see it). @internal */
export interface BrokerStep {
  readonly state: BrokerState;
  readonly effects: BrokerEffect[];
}

/** The broker protocol type. */
export type BrokerProtocol = Protocol<BrokerState, BrokerMessage, PubSubRequest, PubSubResponse, RaftRecord, BrokerTimer>;

/**
 * Test-only hooks for planting mistakes (packages/pubsub/test/mutants); the shipped broker uses none.
 * @internal
 */
export interface BrokerHooks {
  /** Rewrites the machine state restored from a snapshot (at boot or from InstallSnapshot). */
  readonly restore?: (machine: PubSubMachineState) => PubSubMachineState;
  /**
   * Rewrites the step a leader took for a client request (the request, the HLC it stamped and
   * the step's result) — how a test plants a reply sent before the entry commits.
   */
  readonly afterLeaderRequest?: (step: BrokerStep, request: { readonly client: string; readonly id: number; readonly req: PubSubRequest; readonly hlc: Hlc }) => BrokerStep;
  /** Replaces the replicated state machine (how a test plants a mistake in the log's own rules). */
  readonly machine?: (real: StateMachine<PubSubMachineState, PubSubCommand, PubSubResponse>) => StateMachine<PubSubMachineState, PubSubCommand, PubSubResponse>;
}

/** What {@link createBrokerProtocol} builds a broker from. @internal */
export interface BrokerParts {
  readonly config?: PubSubConfigInput | PubSubConfig;
  readonly hooks?: BrokerHooks;
}

/** One effect of a broker step. @internal */
export type BrokerEffect = Effect<BrokerMessage, PubSubResponse, RaftRecord, BrokerTimer>;
const PROBE_TIMER = Object.freeze({ kind: "probe" as const });

/** A broker reducer with test hooks. Use {@link brokerProtocol} otherwise. @internal */
export function createBrokerProtocol(parts: BrokerParts = {}): BrokerProtocol {
  const config = resolvePubSubConfig(parts.config);
  const hooks = parts.hooks ?? {};
  const real = pubsubMachine({ dedupWindow: config.dedupWindow });
  const machine = hooks.machine === undefined ? real : hooks.machine(real);
  const raft = createRaftProtocol({ config: config.raft, machine: machine as never, name: "pubsub-raft" });
  const phiOptions: PhiOptions = { expectedMs: config.probeIntervalMs };

  const restoreRecords = (records: readonly RaftRecord[]): readonly RaftRecord[] =>
    hooks.restore === undefined
      ? records
      : records.map((r) => (r.type === "snapshot" ? { ...r, snapshot: { ...r.snapshot, machine: hooks.restore?.(r.snapshot.machine as PubSubMachineState) } } : r));

  /** A Raft step as a broker step; refusals among its replies are steered (see `steer`). */
  const lift = (s: Step<RaftState, RaftMessage, unknown, RaftRecord, RaftTimer>, state: BrokerState, now: number): { state: BrokerState; effects: BrokerEffect[] } => ({
    state: { ...state, raft: s.state },
    effects: s.effects.map((e) => (e.type === "reply" ? { ...e, res: steer(state, e.res as PubSubResponse, now) } : e)) as BrokerEffect[],
  });

  /** Adds the brokers this one suspects to a refusal, and drops a redirect to a suspected leader. */
  function steer(state: BrokerState, res: PubSubResponse, now: number): PubSubResponse {
    if (res.ok) return res;
    const suspects = Object.keys(state.peers).filter((p) => phiLevel((state.peers[p] as PeerState).phi, now, phiOptions) > config.phiThreshold);
    if (suspects.length === 0) return res;
    const { redirect, ...rest } = res;
    return redirect !== undefined && suspects.includes(redirect) ? { ...rest, suspects } : { ...res, suspects };
  }

  function status(state: BrokerState, ctx: Ctx): PubSubResponse {
    const now = ctx.now();
    const peers: Record<NodeId, PeerStatus> = {};
    for (const p of Object.keys(state.peers)) {
      const peer = state.peers[p] as PeerState;
      const phi = phiLevel(peer.phi, now, phiOptions);
      const best = bestSample(peer.samples);
      peers[p] = { phi, suspected: phi > config.phiThreshold, ...(best === undefined ? {} : { offsetMs: best.offsetMs, delayMs: best.delayMs }) };
    }
    const r = state.raft;
    return { ok: true, op: "status", node: ctx.self, role: r.role, leader: r.leader, term: r.term, commitIndex: r.commitIndex, peers };
  }

  function heard(state: BrokerState, from: NodeId, now: number): BrokerState {
    const peer = state.peers[from];
    if (peer === undefined) return state;
    return { ...state, peers: { ...state.peers, [from]: { ...peer, phi: phiHeartbeat(peer.phi, now, phiOptions) } } };
  }

  function request(state: BrokerState, input: Extract<Input<BrokerMessage, PubSubRequest, BrokerTimer>, { type: "request" }>, ctx: Ctx) {
    const { client, id, req } = input;
    const reply = (res: PubSubResponse) => ({ state, effects: [{ type: "reply", client, id, res } as BrokerEffect] });
    const bad = validatePubSubRequest(req, config);
    if (bad !== undefined) return reply({ ok: false, error: bad });
    if (req.op === "status") return reply(status(state, ctx));
    let next = state;
    let command: PubSubCommand = req as PubSubCommand;
    if (req.op === "publish" && state.raft.role === "leader") {
      // A new leader's clock starts past every stamp it has applied (HLC receive rule).
      const hlc = hlcTick(maxHlc(state.hlc, (state.raft.machine as PubSubMachineState).hlc), ctx.now());
      next = { ...state, hlc };
      command = { ...req, hlc };
    }
    const out = lift(raft.step(next.raft, { type: "request", client, id, req: command as never }, ctx), next, ctx.now());
    if (hooks.afterLeaderRequest !== undefined && state.raft.role === "leader") return hooks.afterLeaderRequest(out, { client, id, req, hlc: next.hlc });
    return out;
  }

  function message(state: BrokerState, from: NodeId, msg: BrokerMessage, ctx: Ctx) {
    const now = ctx.now();
    const s = heard(state, from, now);
    if (msg.type === "probe") {
      const hlc = hlcReceive(s.hlc, msg.hlc, now);
      const res: ProbeMessage = { type: "probe-reply", t1: msg.t1, t2: now, t3: now, hlc };
      return { state: { ...s, hlc }, effects: [{ type: "send", to: from, msg: res } as BrokerEffect] };
    }
    if (msg.type === "probe-reply") {
      const peer = s.peers[from];
      if (peer === undefined) return { state: s, effects: [] };
      const samples = addSample(peer.samples, offsetSample(msg.t1, msg.t2, msg.t3, now));
      return { state: { ...s, hlc: hlcReceive(s.hlc, msg.hlc, now), peers: { ...s.peers, [from]: { ...peer, samples } } }, effects: [] };
    }
    const raftMsg =
      msg.type === "snapshot" && hooks.restore !== undefined ? { ...msg, snapshot: { ...msg.snapshot, machine: hooks.restore(msg.snapshot.machine as PubSubMachineState) } } : msg;
    const out = raft.step(s.raft, { type: "message", from, msg: raftMsg }, ctx);
    return lift(msg.type === "snapshot-chunk" && msg.done ? restoreChunked(s.raft, out) : out, s, now);
  }

  /**
   * A snapshot sent in chunks is reassembled inside Raft, so the hook cannot rewrite the message:
   * when the last chunk installed it, rewrite the installed machine, the log's snapshot and the
   * compaction record instead (what the whole `snapshot` message's rewrite yields).
   */
  function restoreChunked(before: RaftState, out: Step<RaftState, RaftMessage, unknown, RaftRecord, RaftTimer>): Step<RaftState, RaftMessage, unknown, RaftRecord, RaftTimer> {
    const restore = hooks.restore;
    const installed = out.state.log.snapshot;
    if (restore === undefined || installed === before.log.snapshot || installed.index <= before.commitIndex) return out;
    const snapshot = { ...installed, machine: restore(installed.machine as PubSubMachineState) };
    const state: RaftState = { ...out.state, machine: snapshot.machine, log: RaftLog.of(snapshot, out.state.log.entries()) };
    const effects = out.effects.map((e) => (e.type === "compact" && e.snapshot.type === "snapshot" ? { ...e, snapshot: { ...e.snapshot, snapshot } } : e));
    return { state, effects };
  }

  function probe(state: BrokerState, ctx: Ctx) {
    const t1 = ctx.now();
    const hlc = hlcTick(state.hlc, t1);
    const effects: BrokerEffect[] = Object.keys(state.peers).map((to) => ({ type: "send", to, msg: { type: "probe", t1, hlc } }));
    effects.push({ type: "set-timer", timer: PROBE_TIMER, afterMs: config.probeIntervalMs });
    return { state: { ...state, hlc }, effects };
  }

  return {
    name: "pubsub",
    init(ctx, records) {
      const boot = raft.init(ctx, restoreRecords(records));
      const now = ctx.now();
      const peers: Record<NodeId, PeerState> = {};
      for (const p of ctx.nodes) if (p !== ctx.self) peers[p] = { phi: phiStart(now, phiOptions), samples: [] };
      const hlc = maxHlc(HLC_ZERO, (boot.state.machine as PubSubMachineState).hlc);
      const state: BrokerState = { raft: boot.state, hlc, peers };
      return { state, effects: [...(boot.effects as BrokerEffect[]), { type: "set-timer", timer: PROBE_TIMER, afterMs: config.probeIntervalMs }] };
    },
    step(state, input, ctx) {
      switch (input.type) {
        case "request":
          return request(state, input, ctx);
        case "message":
          return message(state, input.from, input.msg, ctx);
        case "timer":
          if (input.timer.kind === "probe") return probe(state, ctx);
          return lift(raft.step(state.raft, { type: "timer", timer: input.timer }, ctx), state, ctx.now());
      }
    },
    validateRequest: (req) => validatePubSubRequest(req, config),
    validateMessage: (msg) => validateBrokerMessage(msg, config),
  };
}

/** A pub/sub broker with `config` (Raft's settings under `raft`). */
export function brokerProtocol(config: PubSubConfigInput | PubSubConfig = {}): BrokerProtocol {
  return createBrokerProtocol({ config });
}
