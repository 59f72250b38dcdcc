/**
 * Failing cases among the first N case indices of a mode's case arbitrary, per mutant: a rate,
 * sturdier than one seed's first find when a change to the generator reshuffles every case.
 * Failures the real system shares (the mutant's baseline) are not counted.
 *
 *   node --import tsx bench/mutants/rates.ts <mutant,mutant,...> [N=400] [mode=triggers]
 *
 * Prints one JSON line per mutant: { name, failing, cases }.
 */
import fc from "fast-check";
import { caseArbitrary, runCase, type SearchMode } from "faultline/check";
import { baselineSpace, mutantNamed, mutantSpace } from "./registry.js";

const [list, count, modeArg] = process.argv.slice(2);
if (list === undefined) throw new Error("usage: rates.ts <mutant,mutant,...> [N] [mode]");
const cases = Number(count ?? 400);
if (!Number.isInteger(cases) || cases < 1) throw new Error(`N: expected a whole number ≥ 1, got ${JSON.stringify(count)}`);
const mode = (modeArg ?? "triggers") as SearchMode;
for (const name of list.split(",")) {
  const m = mutantNamed(name);
  const space = await mutantSpace(m);
  const base = baselineSpace(m);
  const arb = caseArbitrary(space, mode === "guided" ? "triggers" : mode);
  let failing = 0;
  for (let i = 0; i < cases; i++) {
    const c = fc.sample(arb, { seed: 31_000 + i * 7_919, numRuns: 1 })[0] as Parameters<typeof runCase>[1];
    if (runCase(space, c, { coverage: false }).failure && !runCase(base, c, { coverage: false }).failure) failing++;
  }
  process.stdout.write(JSON.stringify({ name, failing, cases }) + "\n");
}
