import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLinearizable, isPending, registerModel, UNKNOWN, type Operation, type RegisterInput, type RegisterOutput, type SequentialModel } from "@faultline/check";

type Op = Operation<RegisterInput<number>, RegisterOutput<number>>;

/** The definition, by brute force: some order of all completed operations (and any pending ones) respects real time and fits the model. */
function bruteForce<S, I, O>(ops: readonly Operation<I, O>[], model: SequentialModel<S, I, O>): boolean {
  const done = new Array<boolean>(ops.length).fill(false);
  const ret = (o: Operation<I, O>) => (isPending(o) ? Infinity : o.ret);
  const go = (state: S): boolean => {
    if (ops.every((o, i) => done[i] || isPending(o))) return true;
    for (let i = 0; i < ops.length; i++) {
      const o = ops[i] as Operation<I, O>;
      if (done[i]) continue;
      // o can come next only if no other remaining operation returned before o was called.
      if (ops.some((p, j) => !done[j] && j !== i && ret(p) < o.call)) continue;
      const r = model.step(state, o.input, isPending(o) ? UNKNOWN : o.output);
      if (!r.ok) continue;
      done[i] = true;
      const found = go(r.state);
      done[i] = false;
      if (found) return true;
    }
    return false;
  };
  return go(model.init());
}

const opArb: fc.Arbitrary<Op> = fc
  .record({
    client: fc.integer({ min: 0, max: 3 }),
    kind: fc.constantFrom("read", "write", "cas"),
    a: fc.integer({ min: 0, max: 2 }),
    b: fc.integer({ min: 0, max: 2 }),
    call: fc.integer({ min: 0, max: 12 }),
    len: fc.integer({ min: 0, max: 6 }),
    pending: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
    swapped: fc.boolean(),
  })
  .map(({ client, kind, a, b, call, len, pending, swapped }): Op => {
    const input: RegisterInput<number> = kind === "read" ? { op: "read" } : kind === "write" ? { op: "write", value: a } : { op: "cas", expect: a, value: b };
    if (pending) return { client, input, call, outcome: "unknown" };
    return { client, input, call, ret: call + len, output: kind === "read" ? a : kind === "cas" ? swapped : undefined };
  });

describe("the checker agrees with the definition", () => {
  it("on random small CAS-register histories with pending operations and touching intervals", () => {
    const model = registerModel<number>({ initial: 0 });
    let illegal = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 7 }), (ops) => {
        const expected = bruteForce(ops, model);
        if (!expected) illegal++;
        expect(checkLinearizable(ops, model).ok).toBe(expected);
      }),
      { numRuns: 3_000, seed: 7 },
    );
    expect(illegal).toBeGreaterThan(300); // both verdicts well represented
  });
});
