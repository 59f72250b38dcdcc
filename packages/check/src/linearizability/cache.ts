/**
 * The search's memo of visited configurations: a chained hash table over typed arrays, so an
 * entry costs a copy of its bitsets into one pool and no object of its own.
 *
 * A configuration is (completed operations linearized, pending operations linearized, state).
 * The hash covers the first and the state only: a configuration is already covered by a visited
 * one with the same completed set and state and FEWER pending operations applied, since a
 * pending operation never has to be linearized (this subsumption is what keeps histories with
 * many unanswered operations tractable).
 */
export class StateCache<S> {
  private keys = new Int32Array(1024);
  private chain = new Int32Array(1024);
  private buckets = new Int32Array(1024).fill(-1);
  private pool: Uint32Array;
  private ppool: Uint32Array;
  private readonly states: S[] = [];
  private count = 0;
  /**
   * Entries looked at by every {@link StateCache.add} so far. Configurations that differ only in
   * pending operations share a hash, so a chain can grow long; the search charges these probes
   * to its step budget so the budget bounds all of its work, not only the model steps.
   */
  probes = 0;

  constructor(
    private readonly words: number,
    private readonly pwords: number,
    private readonly equal: (a: S, b: S) => boolean,
  ) {
    this.pool = new Uint32Array(1024 * words);
    this.ppool = new Uint32Array(1024 * pwords);
  }

  /** Adds the configuration unless a visited one covers it; returns whether it was added. */
  add(hash: number, bits: Uint32Array, pbits: Uint32Array, state: S): boolean {
    const words = this.words;
    const pwords = this.pwords;
    const pool = this.pool;
    const ppool = this.ppool;
    const keys = this.keys;
    let probes = 0;
    for (let i = this.buckets[(hash ^ (hash >>> 15)) & (this.buckets.length - 1)] as number; i !== -1; i = this.chain[i] as number) {
      probes++;
      if (keys[i] !== hash) continue;
      let same = true;
      for (let w = 0, o = i * words; w < words; w++, o++) {
        if (pool[o] !== bits[w]) {
          same = false;
          break;
        }
      }
      for (let w = 0, o = i * pwords; same && w < pwords; w++, o++) {
        if (((ppool[o] as number) & ~(pbits[w] as number)) !== 0) same = false;
      }
      if (same && this.equal(this.states[i] as S, state)) {
        this.probes += probes;
        return false;
      }
    }
    this.probes += probes;
    const i = this.count;
    if (i === keys.length) this.grow();
    this.pool.set(bits, i * words);
    if (pwords > 0) this.ppool.set(pbits, i * pwords);
    this.keys[i] = hash;
    this.states.push(state);
    const b = (hash ^ (hash >>> 15)) & (this.buckets.length - 1);
    this.chain[i] = this.buckets[b] as number;
    this.buckets[b] = i;
    this.count = i + 1;
    return true;
  }

  private grow(): void {
    const cap = this.keys.length * 2;
    const keys = new Int32Array(cap);
    keys.set(this.keys);
    this.keys = keys;
    this.chain = new Int32Array(cap);
    const pool = new Uint32Array(cap * this.words);
    pool.set(this.pool);
    this.pool = pool;
    const ppool = new Uint32Array(cap * this.pwords);
    ppool.set(this.ppool);
    this.ppool = ppool;
    const buckets = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    for (let i = 0; i < this.count; i++) {
      const h = keys[i] as number;
      const b = (h ^ (h >>> 15)) & mask;
      this.chain[i] = buckets[b] as number;
      buckets[b] = i;
    }
    this.buckets = buckets;
  }
}
