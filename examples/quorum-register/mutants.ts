/**
 * The three classic quorum-register bugs, planted in generated copies of `src/` (under `.mutants/`,
 * gitignored, never shipped) by text patches that must each match exactly once. The example's
 * reducer carries no bug switch.
 */
import type { Patches } from "../../bench/mutants/patch.js";

/** One planted bug: its name, what it breaks and the patch that plants it. */
export interface RegisterMutant {
  readonly name: string;
  readonly why: string;
  readonly patches: Patches;
}

/** The planted bugs. */
export const REGISTER_MUTANTS: readonly RegisterMutant[] = [
  {
    name: "read-without-write-back",
    why: "a read answers what a majority showed without writing it back: a later read may see an older value",
    patches: {
      "register.ts": [
        {
          find: "            // A write stores a newer tag; a read writes back what it saw.\n",
          replace: "            if (p.req.op === \"read\") {\n              delete d.pending[msg.op];\n              fx.cancelTimer({ kind: \"retry\", op: msg.op });\n              fx.reply(p.client, p.id, p.value);\n              return;\n            }\n",
        },
      ],
    },
  },
  {
    name: "minority-quorum",
    why: "a quorum of floor(N/2): two quorums need not intersect",
    patches: { "register.ts": [{ find: "return Math.floor(n / 2) + 1;", replace: "return Math.floor(n / 2);" }] },
  },
  {
    name: "no-writer-tie-break",
    why: "tags compare by timestamp only: two writes that chose the same timestamp are ordered differently on different replicas",
    patches: { "register.ts": [{ find: "  return a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0;", replace: "  return 0;" }] },
  },
];
