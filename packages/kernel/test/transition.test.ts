import { describe, expect, it } from "vitest";
import { simulate, timerKey, transition, type Protocol } from "../src/index.js";

interface LogState {
  readonly log: readonly { readonly n: number }[];
}
type LogMsg = { readonly entries: readonly { readonly n: number }[] };

/** Sends and persists data taken straight from the draft, as reducers naturally write it. */
const leaky: Protocol<LogState, LogMsg, "go", LogState["log"], LogState["log"]> = {
  name: "leaky",
  init: () => ({ state: { log: [{ n: 1 }] }, effects: [] }),
  step: (state, input, ctx) =>
    transition(state, (d, fx) => {
      if (input.type !== "request") return;
      d.log.push({ n: d.log.length + 1 });
      for (const peer of ctx.nodes) if (peer !== ctx.self) fx.send(peer, { entries: d.log.slice() });
      fx.persist(d.log.slice());
      fx.reply(input.client, input.id, d.log);
    }),
};

describe("transition", () => {
  it("hands the world plain data when effects carry pieces of the draft", () => {
    const r = simulate({
      seed: 1,
      nodes: ["a", "b"].map((id) => ({ id, protocol: leaky })),
      workload: [{ at: 1, client: "c", node: "a", req: "go" }],
      maxTimeMs: 100,
      trace: { full: true },
    });
    expect(r.ok).toBe(true);
    // Reading these after the step would throw "proxy revoked" if a draft had leaked.
    expect(r.history[0]?.res).toEqual([{ n: 1 }, { n: 2 }]);
    expect(r.view.node("a").records).toEqual([[{ n: 1 }, { n: 2 }]]);
    const delivered = r.trace?.find((e) => e.kind === "deliver");
    expect(delivered?.msg).toEqual({ entries: [{ n: 1 }, { n: 2 }] });
  });
});

describe("timerKey", () => {
  it("is the same for the same kind and fields in any order, and differs otherwise", () => {
    expect(timerKey({ kind: "vote-timeout", tx: "t1", round: 2 })).toBe(timerKey({ round: 2, tx: "t1", kind: "vote-timeout" }));
    expect(timerKey({ kind: "vote-timeout", tx: "t1" })).not.toBe(timerKey({ kind: "vote-timeout", tx: "t2" }));
    expect(timerKey({ kind: "a" })).not.toBe(timerKey({ kind: "a", x: null }));
    expect(timerKey({ kind: "n", x: 1 })).not.toBe(timerKey({ kind: "n", x: "1" }));
  });
});
