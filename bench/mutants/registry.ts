/**
 * The mutation bench's planted bugs: classic mistakes against the Raft paper's rules (figure 2,
 * figure 8), the 6.5840 students' guide and the etcd / hashicorp raft issue trackers, and against
 * two-phase commit's rules. Each is a text patch of the real reducer (see ./patch.ts), never in
 * production code. `observable` says whether a client or an invariant can see it at all:
 * "safety" (an invariant or a client answer breaks), "liveness" (only progress suffers).
 */
import type { SystemSpace } from "@faultline/check";
import type { AnyProtocol } from "@faultline/kernel";
import type { RaftConfigInput } from "@faultline/raft";
import type { TwoPhaseConfig } from "@faultline/two-phase-commit";
import { forgetfulCoordinatorProtocol } from "@faultline/two-phase-commit";
import { raftConfigOf, raftSearchSpace } from "../../packages/raft/test/space.js";
import { twoPhaseSearchSpace } from "../../packages/two-phase-commit/test/space.js";
import { loadPatched, type Patch } from "./patch.js";

/** One planted bug. */
export interface Mutant {
  readonly name: string;
  readonly system: "raft" | "2pc";
  /** The rule it breaks, and where the mistake is documented. */
  readonly rule: string;
  readonly observable: "safety" | "liveness";
  /** Patches, by repo-relative file. */
  readonly patches: Readonly<Record<string, readonly Patch[]>>;
}

const NODE = "packages/raft/src/node.ts";
const COORD = "packages/two-phase-commit/src/coordinator.ts";
const PART = "packages/two-phase-commit/src/participant.ts";

const raft = (name: string, rule: string, observable: Mutant["observable"], ...patches: Patch[]): Mutant => ({ name, system: "raft", rule, observable, patches: { [NODE]: patches } });
const p = (find: string, replace: string): Patch => ({ find, replace });

/** Every mutant. */
export const MUTANTS: readonly Mutant[] = [
  raft("raft-figure8-commit-by-count", "§5.4.2 / figure 8: only entries of the leader's term are committed by counting replicas (no-op kept)", "safety", p("    if (term !== d.term && !e.config.bugs.commitPreviousTermByCount) break; // earlier entries are older terms\n", "")),
  raft("raft-vote-without-log-check", "§5.4.1: grant a vote only to a candidate whose log is at least as up to date", "safety", p("const granted = canVote && upToDate(e.s, m.lastIndex, m.lastTerm);", "const granted = canVote;")),
  raft("raft-vote-not-persisted", "figure 2: votedFor is persistent state, on stable storage before answering", "safety", p("    d.votedFor = from;\n    persistTerm(e);\n", "    d.votedFor = from;\n")),
  raft("raft-voted-for-not-reset", "figure 2: a new term starts with no vote (students' guide: reset votedFor on term change)", "liveness", p("    e.d.term = term;\n    e.d.votedFor = null;\n", "    e.d.term = term;\n")),
  raft("raft-term-not-persisted-on-step-down", "figure 2: currentTerm is persistent (hashicorp/raft: term lost on restart)", "safety", p("    e.d.votedFor = null;\n    persistTerm(e);\n  }", "    e.d.votedFor = null;\n  }")),
  raft(
    "raft-vote-reply-before-persist",
    "figure 2: respond to RPCs only after updating stable storage (etcd: persist HardState before sending)",
    "safety",
    p("    d.votedFor = from;\n    persistTerm(e);\n  }\n  if (granted) armElection(e);\n  e.fx.send(from, { type: \"vote-reply\", term: d.term, granted });", "    d.votedFor = from;\n  }\n  if (granted) armElection(e);\n  e.fx.send(from, { type: \"vote-reply\", term: d.term, granted });\n  if (granted) persistTerm(e);"),
  ),
  raft(
    "raft-candidate-persists-after-requests",
    "figure 2: a candidate's new term and self-vote are durable before RequestVote leaves",
    "safety",
    p("  persistTerm(e);\n  for (const p of peers(e.ctx)) e.fx.send(p, { type: \"vote\", term: e.d.term, lastIndex: lastIndex(e.view), lastTerm: lastTerm(e.view) });", "  for (const p of peers(e.ctx)) e.fx.send(p, { type: \"vote\", term: e.d.term, lastIndex: lastIndex(e.view), lastTerm: lastTerm(e.view) });\n  persistTerm(e);"),
  ),
  raft("raft-append-without-prevlog-match", "figure 2 AppendEntries rule 2: reply false if the log has no entry at prevLogIndex matching prevLogTerm", "safety", p("  } else if (termAt(s, prevIndex) !== m.prevTerm) {", "  } else if (termAt(s, prevIndex) !== m.prevTerm && prevIndex < 0) {")),
  raft("raft-truncate-on-matching-append", "figure 2 rule 3: delete entries only on a conflict (students' guide: a stale AppendEntries must not truncate)", "safety", p("  if (i < entries.length) {\n    const from_", "  if (i <= entries.length) {\n    const from_")),
  raft("raft-follower-commit-beyond-match", "figure 2 rule 5: commitIndex = min(leaderCommit, index of last new entry), not of the whole log", "safety", p("d.commitIndex = Math.max(d.commitIndex, Math.min(m.commit, match));", "d.commitIndex = Math.max(d.commitIndex, Math.min(m.commit, lastIndex(e.view)));")),
  raft("raft-leader-counts-itself-twice", "§5.3: an entry commits once stored on a majority (quorum off by one)", "safety", p("    let count = 1;\n", "    let count = 2;\n")),
  raft("raft-duplicate-votes-counted", "§5.2: a candidate wins with votes from a majority of distinct servers", "safety", p("!m.granted || d.votes.includes(from)) return;\n  d.votes.push(from);\n  if (d.votes.length >= majority(e.ctx)) becomeLeader(e);", "!m.granted) return;\n  d.votes.push(from);\n  if (d.votes.length >= majority(e.ctx)) becomeLeader(e);")),
  raft("raft-leader-ignores-higher-term-reply", "figure 2: on any RPC reply with a higher term, convert to follower", "liveness", p("m.term > e.d.term) {\n    becomeFollower(", "m.term > e.d.term && !(e.d.role === \"leader\" && m.type === \"append-reply\")) {\n    becomeFollower(")),
  raft("raft-snapshot-install-drops-suffix", "figure 13 rule 6: keep log entries following the snapshot's last included entry", "safety", p("setLog(e, termAt(s, snap.index) === snap.term ? s.log.slice(snap.index - s.snapshot.index) : [], snap);", "setLog(e, [], snap);")),
  raft("raft-fast-backup-off-by-one", "§5.3 optimisation: nextIndex after the leader's last entry of the conflicting term", "liveness", p("        next = i + 1;\n        break;", "        next = i + 2;\n        break;")),
  raft("raft-prevote-bumps-term", "PreVote (Ongaro §9.6): a pre-vote does not change the voter's term", "liveness", p("  e.fx.send(from, { type: \"prevote-reply\", term: granted ? m.term : e.s.term, granted });", "  if (granted) {\n    e.d.term = m.term;\n    e.d.votedFor = null;\n    persistTerm(e);\n  }\n  e.fx.send(from, { type: \"prevote-reply\", term: granted ? m.term : e.s.term, granted });")),
  raft("raft-stale-local-read", "§8: a leader serves reads only after confirming leadership (ReadIndex or lease), not from local state", "safety", p("  const index = appendOwn(e, [{ term: e.s.term, command: req }]);", "  if (req.op === \"get\") {\n    e.fx.reply(client, id, { ok: true, value: (e.applied as { data: Record<string, string> }).data[req.key] });\n    return;\n  }\n  const index = appendOwn(e, [{ term: e.s.term, command: req }]);")),
  raft("raft-reply-before-commit", "§8: a leader answers a client once the entry is committed and applied", "safety", p("  e.d.pending[index] = { client, id, term: e.s.term };", "  if (req.op === \"get\") e.d.pending[index] = { client, id, term: e.s.term };\n  else e.fx.reply(client, id, { ok: true });")),
  raft("raft-apply-beyond-commit", "figure 2: apply only entries up to commitIndex", "safety", p("  if (d.lastApplied >= d.commitIndex) return;\n  let machine = e.applied;\n  while (d.lastApplied < d.commitIndex) {", "  if (d.lastApplied >= lastIndex(e.view)) return;\n  let machine = e.applied;\n  while (d.lastApplied < lastIndex(e.view)) {")),
  { name: "2pc-forgetful-coordinator", system: "2pc", rule: "a recovering coordinator resends its logged decision (planted bug on main: forgetfulCoordinatorProtocol)", observable: "safety", patches: {} },
  { name: "2pc-commit-on-first-yes", system: "2pc", rule: "commit only with a YES from every participant", observable: "safety", patches: { [COORD]: [p("if (t.yes.length === config.participants.length) decide(", "if (t.yes.length >= 1) decide(")] } },
  { name: "2pc-timeout-commits", system: "2pc", rule: "a vote timeout aborts (missing votes are not YES)", observable: "safety", patches: { [COORD]: [p("?.phase === \"preparing\") decide(d, fx, config, input.timer.tx, \"abort\");", "?.phase === \"preparing\") decide(d, fx, config, input.timer.tx, \"commit\");")] } },
  { name: "2pc-decision-not-persisted", system: "2pc", rule: "the coordinator logs its decision before sending it", observable: "safety", patches: { [COORD]: [p("  fx.persist({ type: \"decision\", tx, decision });\n  t.decision = decision;", "  t.decision = decision;")] } },
  {
    name: "2pc-decision-persisted-after-sends",
    system: "2pc",
    rule: "the decision is durable before any participant or client hears it",
    observable: "safety",
    patches: { [COORD]: [p("  fx.persist({ type: \"decision\", tx, decision });\n  t.decision = decision;", "  t.decision = decision;"), p("  t.waiting = [];\n  armResend(d, fx, config);\n}", "  t.waiting = [];\n  armResend(d, fx, config);\n  fx.persist({ type: \"decision\", tx, decision });\n}")] },
  },
  { name: "2pc-vote-not-persisted", system: "2pc", rule: "a participant logs its vote before sending it", observable: "safety", patches: { [PART]: [p("    fx.persist({ type: \"vote\", tx, vote });\n", "")] } },
  {
    name: "2pc-prepared-participant-aborts-alone",
    system: "2pc",
    rule: "a prepared participant is blocked: it must not abort unilaterally when the coordinator is silent",
    observable: "safety",
    patches: { [PART]: [p("  for (const tx of Object.keys(d.prepared)) fx.send(config.coordinator, { type: \"status\", tx });", "  for (const tx of Object.keys(d.prepared)) {\n    fx.persist({ type: \"outcome\", tx, outcome: \"aborted\" });\n    bucketSet(d.finished, tx, { state: \"aborted\", vote: \"yes\" });\n    delete d.prepared[tx];\n  }")] },
  },
  { name: "2pc-duplicate-yes-counted", system: "2pc", rule: "each participant's YES counts once (duplicated or resent votes)", observable: "safety", patches: { [COORD]: [p("if (!t.yes.includes(from)) t.yes.push(from);", "t.yes.push(from);")] } },
  { name: "2pc-status-answered-abort-undecided", system: "2pc", rule: "STATUS is answered only from a durable decision", observable: "safety", patches: { [COORD]: [p("if (t.decision !== undefined) fx.send(from, { type: t.decision, tx: msg.tx });", "fx.send(from, { type: t.decision ?? \"abort\", tx: msg.tx });")] } },
];

/** The mutant named `name`; an unknown name is an error naming it and listing the known ones. */
export function mutantNamed(name: string): Mutant {
  const m = MUTANTS.find((x) => x.name === name);
  if (m === undefined) throw new Error(`unknown mutant ${JSON.stringify(name)} (mutants: ${MUTANTS.map((x) => x.name).join(", ")})`);
  return m;
}

/** The search space running mutant `m` (its patched modules are generated and imported). */
export async function mutantSpace(m: Mutant): Promise<SystemSpace<any>> {
  const variable = m.name.replace(/-(\w)/g, (_x, c: string) => c.toUpperCase());
  if (m.system === "raft") {
    const mod = await loadPatched<{ raftProtocol: (c: RaftConfigInput) => AnyProtocol }>(m.name, NODE, m.patches[NODE] ?? []);
    return raftSearchSpace({ protocol: (_real, c) => mod.raftProtocol(raftConfigOf(c)) }, variable);
  }
  if (m.name === "2pc-forgetful-coordinator") return twoPhaseSearchSpace({ coordinator: (c) => forgetfulCoordinatorProtocol(c) }, variable);
  const coord = m.patches[COORD] ? await loadPatched<{ coordinatorProtocol: (c: TwoPhaseConfig) => AnyProtocol }>(m.name, COORD, m.patches[COORD]) : undefined;
  const part = m.patches[PART] ? await loadPatched<{ participantProtocol: (c: TwoPhaseConfig) => AnyProtocol }>(m.name, PART, m.patches[PART]) : undefined;
  return twoPhaseSearchSpace({ ...(coord ? { coordinator: (c: TwoPhaseConfig) => coord.coordinatorProtocol(c) } : {}), ...(part ? { participant: (c: TwoPhaseConfig) => part.participantProtocol(c) } : {}) }, variable);
}
