/** A model whose next-state relation throws at state 3: for the explorer's error path in workers. */
import type { Model } from "@faultline/check";

/** Counts 0, 1, 2, ... and throws when asked for the successors of 3. */
export const throwingModel: Model<number> = {
  init: () => [0],
  *next(n) {
    if (n === 3) throw new Error(`next exploded at ${n}`);
    yield ["inc", n + 1];
  },
  codec: { encode: (n, out) => out.push(n), decode: (words) => words[0] as number },
};
