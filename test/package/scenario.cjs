/**
 * What a user does with the installed tarball, run once through `import` (run.mjs) and once
 * through `require` (run.cjs): `mods` maps each subpath ("faultline", "faultline/check", ...) to
 * the loaded module. Prints one JSON object for the test to compare.
 */
module.exports = function scenario(mods, fc) {
  const k = mods["faultline"];
  const check = mods["faultline/check"];
  const raft = mods["faultline/raft"];
  const out = { exports: {} };
  for (const [name, mod] of Object.entries(mods)) out.exports[name] = Object.keys(mod).sort();

  // A tiny ping protocol under the simulator: a asks b and c; each answers with a pong.
  const pinger = {
    name: "pinger",
    init: () => ({ state: { pongs: 0 }, effects: [] }),
    step: (state, input, ctx) =>
      k.transition(state, (draft, fx) => {
        if (input.type === "request") {
          for (const peer of ctx.nodes) if (peer !== ctx.self) fx.send(peer, { type: "ping" });
          fx.reply(input.client, input.id, draft.pongs);
        } else if (input.type === "message") {
          if (input.msg.type === "ping") fx.send(input.from, { type: "pong" });
          else draft.pongs++;
        }
      }),
  };
  const sim = k.simulate({ seed: 7, nodes: ["a", "b", "c"].map((id) => ({ id, protocol: pinger })), workload: [{ at: 0, client: "c1", node: "a", req: "go" }], maxTimeMs: 1_000 });
  out.sim = { ok: sim.ok, pongs: sim.view.node("a").state.pongs, hash: sim.traceHash };

  // A planted bug: a dispenser that persists its counter only every 5 tickets hands out a ticket
  // twice after a crash. The property runner must find it, and replayFailure must re-run it.
  const dispenser = {
    name: "dispenser-batched",
    init: (ctx, records) => ({ state: { next: records.at(-1) ?? (ctx.nodes.indexOf(ctx.self) + 1) * 1_000 }, effects: [] }),
    step: (state, input) =>
      k.transition(state, (d, fx) => {
        if (input.type !== "request") return;
        const ticket = d.next;
        d.next = ticket + 1;
        if (d.next % 5 === 0) fx.persist(d.next);
        fx.reply(input.client, input.id, ticket);
      }),
  };
  const unique = {
    name: "UniqueTickets",
    check: (view) => {
      const seen = new Set();
      for (const h of view.history) {
        if (h.res === undefined) continue;
        if (seen.has(h.res)) return `ticket ${h.res} handed out twice`;
        seen.add(h.res);
      }
      return undefined;
    },
  };
  const nodes = ["n1", "n2", "n3"];
  const system = () => ({ nodes: nodes.map((id) => ({ id, protocol: dispenser })), invariants: [unique] });
  const found = check.checkProperty({
    system,
    runs: 200,
    seed: 42,
    faults: { nodes, durationMs: 2_000, kinds: ["crash", "partition", "pause"], maxActions: 6 },
    workload: check.workloadArbitrary({ nodes, durationMs: 2_000, request: fc.constant({ take: true }), maxOps: 30 }),
    run: { maxTimeMs: 3_000 },
  });
  out.property = found.ok ? { ok: true } : { ok: false, invariant: found.failure.invariant, traceHash: found.failure.traceHash, token: typeof found.failure.token };
  if (!found.ok) {
    try {
      check.replayFailure(system, found.failure.token);
      out.replay = "did not throw";
    } catch (e) {
      out.replay = { replayedViolation: e instanceof check.ReplayedViolation, message: e.message };
    }
    // One kernel behind every subpath: errors thrown inside faultline/check and faultline/raft are
    // instances of the ConfigError that faultline exports.
    const other = () => ({ nodes: [{ id: "x", protocol: dispenser }] });
    try {
      check.replayFailure(other, found.failure.token);
    } catch (e) {
      out.configErrorFromCheck = e instanceof k.ConfigError;
    }
  }
  try {
    raft.raftCluster({ nodes: [] });
  } catch (e) {
    out.configErrorFromRaft = e instanceof k.ConfigError;
  }
  return out;
};
