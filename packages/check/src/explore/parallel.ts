/**
 * Breadth-first search with worker threads. Level by level: the main thread holds the level's
 * states as codec words, cuts them into chunks, and workers check and expand the chunks; the
 * main thread merges the results in chunk order into the fingerprint set. Every state gets the
 * id, parent and step it would get in {@link bfs}, so counts, depth and the counterexample
 * found do not depend on the number of workers.
 */
import type { ChunkResult } from "./expand.js";
import type { Model } from "./model.js";
import type { ExplorerPool } from "./pool.js";
import type { SearchLog } from "./search.js";
import { hashWords, IntVec, type Fingerprint } from "./words.js";

/** Chunk length for a level of `n` states: a few chunks per worker, so the merge overlaps expansion. */
function chunkLength(n: number, workers: number): number {
  return Math.min(4096, Math.max(32, Math.ceil(n / (workers * 4))));
}

/** Like {@link bfs}, with the expansion done by `pool`'s workers. */
export async function bfsInWorkers<S>(model: Model<S>, pool: ExplorerPool, log: SearchLog, maxDepth: number): Promise<void> {
  const codec = model.codec;
  if (codec === undefined) throw new TypeError("explore: a model explored in worker threads needs a `codec`");
  let words = new IntVec();
  let offsets = new IntVec();
  offsets.push(0);
  const fp: Fingerprint = { hi: 0, lo: 0 };
  let k = 0;
  for (const s of model.init()) {
    const from = words.length;
    codec.encode(s, words);
    hashWords(words.data, from, words.length, fp);
    if (log.offer(fp.hi, fp.lo, -1, k++, 1) >= 0) offsets.push(words.length);
    else words.length = from;
    if (log.full) break;
  }
  let firstId = 0;
  for (let d = 1; offsets.length > 1; d++) {
    const n = offsets.length - 1;
    const expand = d < maxDepth && !log.full;
    if (!expand) log.complete = false;
    const nextWords = new IntVec(words.length * 2);
    const nextOffsets = new IntVec(n * 2);
    nextOffsets.push(0);
    const size = chunkLength(n, pool.size);
    const level = { words: words.data, offsets: offsets.data };
    const make = (c: number) => {
      const a = c * size;
      const b = Math.min(n, a + size);
      const base = level.offsets[a] as number;
      const offs = level.offsets.slice(a, b + 1);
      for (let i = 0; i < offs.length; i++) offs[i] = (offs[i] as number) - base;
      return { words: level.words.slice(base, level.offsets[b]), offsets: offs, expand };
    };
    const merge = (c: number, r: ChunkResult): boolean => {
      const first = firstId + c * size;
      let j = 0;
      for (let i = 0; i < r.handled; i++) {
        if (r.broken !== undefined && r.broken.index === i) {
          log.broken = { invariant: r.broken.invariant, message: r.broken.message, id: first + i };
          return false;
        }
        const count = r.counts[i] as number;
        for (let step = 0; step < count && !log.full; step++) {
          const s = j + step;
          if (log.offer(r.fingerprints[2 * s] as number, r.fingerprints[2 * s + 1] as number, first + i, step, d + 1) >= 0) {
            nextWords.append(r.words, r.offsets[s] as number, r.offsets[s + 1] as number);
            nextOffsets.push(nextWords.length);
          }
        }
        j += count;
      }
      return true;
    };
    const chunks = Math.ceil(n / size);
    await pool.map(chunks, make, (c, r) => {
      const more = merge(c, r);
      log.progress(firstId + Math.min(n, (c + 1) * size), n - Math.min(n, (c + 1) * size) + nextOffsets.length - 1, true);
      return more;
    });
    if (log.broken !== undefined) return;
    firstId += n;
    words = nextWords;
    offsets = nextOffsets;
  }
}
