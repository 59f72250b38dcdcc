/**
 * The guided mode's corpus. A run's coverage is reduced to a small set of coarse features, so
 * that "new coverage" stays rare and means something even for a protocol whose abstraction has
 * thousands of states (Raft reaches ~10,000 distinct abstract states in 400 runs, nearly every
 * run a new one; the coarse features saturate at a few hundred):
 * - each sometimes-assertion reached;
 * - each fault kind that fired, with AFL's hit-count bucket (1, 2, 3, 4–7, 8–15, 16–31, 32–127, 128+);
 * - each sometimes-assertion together with each fault kind that fired in the same run;
 * - each part of an abstract state (per-node entries: array elements, space-separated words,
 *   object fields), not whole states;
 * - the number of distinct abstract states of the run, bucketed.
 * A run that reaches a feature no earlier run reached joins the corpus. Parents are drawn by
 * energy (AFLFast, FairFuzz): the rarer the features a case reached, the more often it is
 * mutated; a case that reached a sometimes-assertion first is mutated in a burst at once.
 */
import type { Rng } from "@faultline/kernel";
import type { Case } from "./case.js";
import type { RunCoverage } from "./driver.js";

/** AFL's hit-count buckets. */
function bucket(n: number): number {
  return n <= 3 ? n : n <= 7 ? 4 : n <= 15 ? 8 : n <= 31 ? 16 : n <= 127 ? 32 : 128;
}

/** The parts of one abstract state (given as its JSON). */
function parts(json: string): string[] {
  const v: unknown = JSON.parse(json);
  if (Array.isArray(v)) return v.map((x) => JSON.stringify(x));
  if (typeof v === "string") return v.split(" ");
  if (typeof v === "object" && v !== null) return Object.entries(v).map(([k, x]) => `${k}=${JSON.stringify(x)}`);
  return [json];
}

/** The coarse features of one run's coverage (see the module comment). */
export function coarseFeatures(coverage: RunCoverage): string[] {
  const out = new Set<string>();
  const fired = Object.entries(coverage.fired).filter(([, n]) => n > 0);
  for (const s of coverage.sometimes) {
    out.add(`sometimes:${s}`);
    for (const [k] of fired) out.add(`sometimes+fired:${s}|${k}`);
  }
  for (const [k, n] of fired) out.add(`fired:${k}:${bucket(n)}`);
  for (const s of coverage.states) for (const p of parts(s)) out.add(`part:${p}`);
  out.add(`states:${bucket(Math.ceil(coverage.states.size / 8))}`);
  return [...out];
}

interface Entry<C> {
  readonly case: Case<C>;
  readonly features: readonly string[];
}

/** Runs a case that first reached a sometimes-assertion is mutated in a row. */
const BURST = 24;

/** The guided mode's corpus: cases that reached new coarse features, and how often each feature was reached. */
export class Corpus<C> {
  private readonly entries: Entry<C>[] = [];
  private readonly hits = new Map<string, number>();
  private readonly focus: { entry: Entry<C>; left: number }[] = [];

  /** Cases kept. */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Counts the run's features; keeps the case when one of them is new. `firstSometimes`: the run
   * reached a sometimes-assertion no earlier run reached (its case is then mutated in a burst).
   */
  add(c: Case<C>, coverage: RunCoverage, firstSometimes: boolean): boolean {
    const features = coarseFeatures(coverage);
    let fresh = false;
    for (const f of features) {
      const n = this.hits.get(f) ?? 0;
      if (n === 0) fresh = true;
      this.hits.set(f, n + 1);
    }
    if (!fresh) return false;
    const entry = { case: c, features };
    this.entries.push(entry);
    if (firstSometimes) this.focus.push({ entry, left: BURST });
    return true;
  }

  /** A parent to mutate: the burst's case if one is under way, else drawn by energy (the sum of 1 / hits over its features). */
  pick(rng: Rng): Case<C> {
    const head = this.focus[0];
    if (head !== undefined) {
      if (--head.left <= 0) this.focus.shift();
      return head.entry.case;
    }
    // The sometimes-assertions (the protocol's own hints of interesting states) weigh most.
    const weights = this.entries.map((e) => e.features.reduce((w, f) => w + (f.startsWith("sometimes") ? 1 : 0.05) / (this.hits.get(f) ?? 1), 0));
    let r = rng.next() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return (this.entries[i] as Entry<C>).case;
    }
    return (this.entries[this.entries.length - 1] as Entry<C>).case;
  }

  /** A uniformly drawn case (the second parent of a splice). */
  any(rng: Rng): Case<C> {
    return rng.pick(this.entries).case;
  }
}
