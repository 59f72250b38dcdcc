/**
 * The search's memo of visited (linearized set, state) pairs: a chained hash table over typed
 * arrays, so an entry costs a copy of the bitset into one pool and no object of its own.
 */
export class StateCache<S> {
  private keys = new Int32Array(1024);
  private chain = new Int32Array(1024);
  private buckets = new Int32Array(1024).fill(-1);
  private pool: Uint32Array;
  private readonly states: S[] = [];
  private count = 0;

  constructor(
    private readonly words: number,
    private readonly equal: (a: S, b: S) => boolean,
  ) {
    this.pool = new Uint32Array(1024 * words);
  }

  /** Adds the pair unless it is there already; returns whether it was new. */
  add(hash: number, bits: Uint32Array, state: S): boolean {
    const words = this.words;
    const pool = this.pool;
    const keys = this.keys;
    for (let i = this.buckets[(hash ^ (hash >>> 15)) & (this.buckets.length - 1)] as number; i !== -1; i = this.chain[i] as number) {
      if (keys[i] !== hash) continue;
      let same = true;
      for (let w = 0, o = i * words; w < words; w++, o++) {
        if (pool[o] !== bits[w]) {
          same = false;
          break;
        }
      }
      if (same && this.equal(this.states[i] as S, state)) return false;
    }
    const i = this.count;
    if (i === keys.length) this.grow();
    this.pool.set(bits, i * words);
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
