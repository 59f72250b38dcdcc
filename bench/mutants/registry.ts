/**
 * The mutation bench's planted bugs, all test-only:
 * - the Raft package's rule mutants (packages/raft/test/mutants: one figure-2 rule replaced);
 * - the 2PC package's mutants as data (packages/two-phase-commit/test/mutants: rule tables);
 * - more Raft mistakes no rule expresses, as text patches of a copy of the reducer (./patch.ts):
 *   persistence order, vote counting, stale terms, snapshots, client replies and reads — from the
 *   Raft paper, the 6.5840 students' guide and the etcd / hashicorp raft issue trackers.
 * `observable` says whether anything outside can see the bug: "safety" (an invariant or a client
 * answer breaks), "liveness" (progress only; the sweeps' end-of-run checks may see it) or
 * "unobservable" (no run of the kernel's failure model can tell it from the real system; the
 * argument is in RESULTS.md).
 */
import type { SystemSpace } from "faultline/check";
import type { AnyProtocol } from "faultline";
import type { RaftConfigInput } from "faultline/raft";
import { mutantProtocol, RAFT_MUTANTS } from "../../packages/raft/test/mutants/index.js";
import { raftConfigOf, raftSearchSpace } from "../../packages/raft/test/space.js";
import { twoPhaseMutants } from "../../packages/two-phase-commit/test/mutants/index.js";
import { twoPhaseSearchSpace } from "../../packages/two-phase-commit/test/space.js";
import { loadPatched, type Patch, type Patches } from "./patch.js";
import { PUBSUB_BENCH_MUTANTS } from "./pubsub.js";

/** One planted bug. */
export interface Mutant {
  readonly name: string;
  /** The system it is planted in ("raft", "2pc", or another, which then brings `space`). */
  readonly system: string;
  /** The rule it breaks. */
  readonly rule: string;
  readonly observable: "safety" | "liveness" | "unobservable";
  /** Where it comes from: the package's rule mutants, or a text patch here. */
  readonly source: "raft rules" | "2pc rules" | "patch" | "space";
  readonly patches?: Patches;
  /** For `source: "space"`: the mutant's search space, and the same system without the bug. */
  readonly space?: () => Promise<SystemSpace<any>> | SystemSpace<any>;
  readonly baseline?: () => SystemSpace<any>;
}

const p = (find: string, replace: string): Patch => ({ find, replace });
const patched = (name: string, rule: string, observable: Mutant["observable"], patches: Patches): Mutant => ({ name: `raft-${name}`, system: "raft", rule, observable, source: "patch", patches });
const LIVENESS = new Set<string>([]);

/** Raft mistakes as text patches of the reducer. */
const RAFT_PATCHES: readonly Mutant[] = [
  patched("vote-not-persisted", "figure 2: votedFor is persistent, on stable storage before answering", "safety", { "step.ts": [p("    state.votedFor = from;\n    persistTermAndVote(node);\n", "    state.votedFor = from;\n")] }),
  patched("vote-reply-before-persist", "figure 2: respond to RPCs only after updating stable storage (etcd: HardState before messages)", "safety", {
    "step.ts": [p("    state.votedFor = from;\n    persistTermAndVote(node);\n  }\n  if (granted) armElectionTimer(node);\n  node.fx.send(from, { type: \"vote-reply\", term: state.term, granted });", "    state.votedFor = from;\n  }\n  if (granted) armElectionTimer(node);\n  node.fx.send(from, { type: \"vote-reply\", term: state.term, granted });\n  if (granted) persistTermAndVote(node);")],
  }),
  patched("voted-for-not-reset", "§5.1 / students' guide: a new term starts with no vote", "liveness", { "roles.ts": [p("    state.term = term;\n    state.votedFor = null;\n", "    state.term = term;\n")] }),
  patched("term-not-persisted-on-step-down", "figure 2: currentTerm is persistent (hashicorp/raft: term lost on restart)", "safety", { "roles.ts": [p("    state.votedFor = null;\n    persistTermAndVote(node);\n  }", "    state.votedFor = null;\n  }")] }),
  patched("candidate-persists-after-requests", "figure 2: the new term and self-vote are durable before RequestVote leaves", "safety", {
    "roles.ts": [p("  persistTermAndVote(node);\n  const { lastIndex, lastTerm } = state.log;\n  for (const peer of peersOf(node)) node.fx.send(peer, { type: \"vote\", term: state.term, lastIndex, lastTerm });", "  const { lastIndex, lastTerm } = state.log;\n  for (const peer of peersOf(node)) node.fx.send(peer, { type: \"vote\", term: state.term, lastIndex, lastTerm });\n  persistTermAndVote(node);")],
  }),
  patched("duplicate-votes-counted", "§5.2: a candidate wins with votes from a majority of distinct servers", "safety", { "candidate.ts": [p("  if (votes.includes(from)) return false;\n", "")] }),
  patched("quorum-off-by-one", "§5.3: an entry commits once a majority stores it (one fewer counted)", "safety", { "quorum.ts": [p("  return sorted[majority(sorted.length) - 1] as number;", "  return sorted[Math.max(0, majority(sorted.length) - 2)] as number;")] }),
  patched("stale-append-accepted", "figure 2 AppendEntries 1: reply false if term < currentTerm", "safety", { "step.ts": [p("  } else if (msg.term < term) {\n    return answerStale(node, from, msg, term);", "  } else if (msg.term < term && msg.type !== \"append\") {\n    return answerStale(node, from, msg, term);")] }),
  patched("leader-ignores-higher-term-reply", "figure 2: on an RPC reply with a higher term, convert to follower", "liveness", { "step.ts": [p("    if (!proposesTerm) becomeFollower(", "    if (!proposesTerm && !(state.role === \"leader\" && msg.type === \"append-reply\")) becomeFollower(")] }),
  patched("snapshot-install-drops-suffix", "figure 13 step 6: keep the log entries that follow the snapshot", "safety", { "apply.ts": [p("  state.log = log.termAt(snapshot.index) === snapshot.term ? log.compactTo(snapshot) : RaftLog.of(snapshot);", "  state.log = RaftLog.of(snapshot);")] }),
  patched("snapshot-forgets-sessions", "§8: the client session table is part of the snapshot (else a retried write applies twice)", "safety", { "apply.ts": [p("  const snapshot: Snapshot = Object.freeze({ index, term: log.termAt(index) as number, machine: state.machine });", "  const snapshot: Snapshot = Object.freeze({ index, term: log.termAt(index) as number, machine: { ...(state.machine as object), sessions: {} } });")] }),
  patched("fast-backup-off-by-one", "§5.3 optimisation: resume after the leader's last entry of the conflicting term", "liveness", { "leader.ts": [p("        next = i + 1;\n        break;", "        next = i + 2;\n        break;")] }),
  patched("prevote-bumps-term", "§9.6 PreVote: granting a pre-vote does not change the voter's term", "liveness", {
    "step.ts": [p("  node.fx.send(from, { type: \"prevote-reply\", term: granted ? msg.term : state.term, granted });", "  if (granted) {\n    state.term = msg.term;\n    state.votedFor = null;\n    persistTermAndVote(node);\n  }\n  node.fx.send(from, { type: \"prevote-reply\", term: granted ? msg.term : state.term, granted });")],
  }),
  patched("stale-local-read", "§8: a leader serves a read only after confirming leadership (ReadIndex or lease), never from local state", "safety", {
    "leader.ts": [p("  const state = node.state;\n  let index: number;\n", "  const state = node.state;\n  if (request.op === \"get\") return void node.fx.reply(client, id, { ok: true, value: (state.machine as { data: Record<string, string> }).data[request.key] });\n  let index: number;\n")],
  }),
  patched("reply-before-commit", "§8: answer a client once its entry is committed and applied", "safety", { "leader.ts": [p("  state.pending = Object.freeze([...state.pending, waiting]);", "  if (request.op === \"get\") state.pending = Object.freeze([...state.pending, waiting]);\n  else node.fx.reply(client, id, { ok: true });")] }),
  patched("apply-beyond-commit", "figure 2: apply only entries up to commitIndex", "safety", { "apply.ts": [p("  const commitIndex = state.commitIndex;", "  const commitIndex = state.log.lastIndex;")] }),
];

/**
 * Every mutant: the packages' rule mutants first, then the patches. More join with one line in
 * EXTRA_MUTANTS below; a mutant of another system brings its own space through `space` and
 * `baseline`.
 */
const EXTRA_MUTANTS: readonly Mutant[] = [...PUBSUB_BENCH_MUTANTS];

export const MUTANTS: readonly Mutant[] = [
  ...RAFT_MUTANTS.map((m): Mutant => ({ name: `raft-${m.name}`, system: "raft", rule: m.description, observable: LIVENESS.has(m.name) ? "liveness" : "safety", source: "raft rules" })),
  ...RAFT_PATCHES,
  ...twoPhaseMutants.map((m): Mutant => ({ name: `2pc-${m.name}`, system: "2pc", rule: `${m.breaks}: ${m.description}`, observable: "safety", source: "2pc rules" })),
  ...EXTRA_MUTANTS,
];

/** The mutant named `name`; an unknown name is an error naming it and listing the known ones. */
export function mutantNamed(name: string): Mutant {
  const m = MUTANTS.find((x) => x.name === name);
  if (m === undefined) throw new Error(`--only: unknown mutant ${JSON.stringify(name)} (mutants: ${MUTANTS.map((x) => x.name).join(", ")})`);
  return m;
}

/** The same system as mutant `m`'s, without the bug: a failure it shares is not the mutant's. */
export function baselineSpace(m: Mutant): SystemSpace<any> {
  if (m.baseline) return m.baseline();
  const variable = m.name.replace(/-(\w)/g, (_x, c: string) => c.toUpperCase());
  if (m.system === "raft") return raftSearchSpace({}, variable);
  if (m.system === "2pc") return twoPhaseSearchSpace({}, variable);
  throw new Error(`mutant ${m.name}: system ${JSON.stringify(m.system)} needs a baseline`);
}

/** The search space running mutant `m` (a patched reducer is generated and imported first). */
export async function mutantSpace(m: Mutant): Promise<SystemSpace<any>> {
  if (m.source === "space") {
    if (m.space === undefined) throw new Error(`mutant ${m.name}: source "space" needs space()`);
    return m.space();
  }
  const variable = m.name.replace(/-(\w)/g, (_x, c: string) => c.toUpperCase());
  if (m.source === "raft rules") {
    const rule = m.name.slice("raft-".length);
    return raftSearchSpace({ protocol: (_real, c) => mutantProtocol(rule, raftConfigOf(c)) }, variable);
  }
  if (m.source === "2pc rules") {
    const mutant = twoPhaseMutants.find((x) => `2pc-${x.name}` === m.name);
    return twoPhaseSearchSpace({ mutant }, variable);
  }
  const mod = await loadPatched<{ raftProtocol: (c: RaftConfigInput) => AnyProtocol }>(m.name, "packages/raft", m.patches ?? {});
  return raftSearchSpace({ protocol: (_real, c) => mod.raftProtocol(raftConfigOf(c)) }, variable);
}
