/**
 * The per-state work of a search, shared by the main thread and the worker threads: checking a
 * state's invariants, fingerprinting states, and expanding a chunk of encoded states into their
 * encoded, fingerprinted successors.
 */
import type { Model } from "./model.js";
import { hashString, hashWords, IntVec, type Fingerprint } from "./words.js";

/** A broken invariant, before the path to it is known. */
export interface Broken {
  readonly invariant: string;
  readonly message: string;
}

/** The first invariant `state` breaks, if any. */
export function checkState<S>(model: Model<S>, state: S): Broken | undefined {
  const invariants = model.invariants;
  if (invariants === undefined) return undefined;
  for (let i = 0; i < invariants.length; i++) {
    const inv = invariants[i] as (typeof invariants)[number];
    const message = inv.check(state);
    if (message !== undefined) return { invariant: inv.name, message };
  }
  return undefined;
}

/** A function writing a state's 64-bit fingerprint into `out`: of its codec's words, else of its fingerprint text. */
export function fingerprinter<S>(model: Model<S>): (state: S, out: Fingerprint) => void {
  const codec = model.codec;
  if (codec !== undefined) {
    const buf = new IntVec(256);
    return (state, out) => {
      buf.length = 0;
      codec.encode(state, buf);
      hashWords(buf.data, 0, buf.length, out);
    };
  }
  const text = model.fingerprint;
  if (text === undefined) throw new TypeError("explore: the model needs a `codec` or a `fingerprint` function");
  return (state, out) => hashString(text.call(model, state), out);
}

/** A chunk of a BFS level, encoded: state i is `words[offsets[i], offsets[i + 1])`. */
export interface Chunk {
  readonly words: Int32Array;
  readonly offsets: Int32Array;
  /** False on a level that is only checked (the depth or state bound was reached). */
  readonly expand: boolean;
}

/** What expanding a {@link Chunk} gave, in the chunk's order. */
export interface ChunkResult {
  /** States of the chunk handled: all of them, or up to and including the first broken one. */
  readonly handled: number;
  /** Successors of each handled state (0 for a broken one and on a check-only level). */
  readonly counts: Int32Array;
  /** Two words (hi, lo) per successor. */
  readonly fingerprints: Int32Array;
  /** Successor j is `words[offsets[j], offsets[j + 1])`. */
  readonly words: Int32Array;
  readonly offsets: Int32Array;
  /** The broken state, as its index in the chunk. */
  readonly broken?: Broken & { readonly index: number };
}

/** Checks and expands every state of `chunk` in order; stops at the first broken one. */
export function expandChunk<S>(model: Model<S>, chunk: Chunk): ChunkResult {
  const codec = model.codec;
  if (codec === undefined) throw new TypeError("explore: a model explored in worker threads needs a `codec`");
  const n = chunk.offsets.length - 1;
  const counts = new Int32Array(n);
  const fingerprints = new IntVec(n * 16);
  const words = new IntVec(n * 64);
  const offsets = new IntVec(n * 8 + 1);
  offsets.push(0);
  const fp: Fingerprint = { hi: 0, lo: 0 };
  for (let i = 0; i < n; i++) {
    const state = codec.decode(chunk.words.subarray(chunk.offsets[i], chunk.offsets[i + 1]));
    const broken = checkState(model, state);
    if (broken !== undefined) return result(i + 1, { ...broken, index: i });
    if (!chunk.expand) continue;
    let k = 0;
    for (const [, next] of model.next(state)) {
      const from = words.length;
      codec.encode(next, words);
      hashWords(words.data, from, words.length, fp);
      fingerprints.push(fp.hi);
      fingerprints.push(fp.lo);
      offsets.push(words.length);
      k++;
    }
    counts[i] = k;
  }
  return result(n, undefined);

  function result(handled: number, broken: ChunkResult["broken"]): ChunkResult {
    return { handled, counts, fingerprints: fingerprints.take(), words: words.take(), offsets: offsets.take(), ...(broken ? { broken } : {}) };
  }
}
