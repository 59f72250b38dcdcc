/**
 * Group commit: the records of many steps — from every connection and frame handled in a turn of
 * the event loop — are written and made durable by one fsync. A step's outputs (messages and
 * replies) are held until everything it (or any step before it) persisted is durable, then
 * released in step order: durable before any of the batch's sends or replies.
 *
 * Batches are pipelined: a batch gathered while an earlier one's fsync runs is written and
 * synced at once (up to {@link MAX_IN_FLIGHT} syncs), instead of waiting for that fsync to end.
 * An fsync makes durable every write issued before it, so a batch is durable once its own fsync
 * (or a later one) returns. A batch that must rotate the log file runs alone. A batch of one
 * step with nothing in flight (a follower's AppendEntries) is synced on the event loop: the
 * thread pool's round trip would add two process wake-ups to every replication round trip, which
 * on a busy machine cost more than the fsync. Not while clients wait on the node (`mayBlock`, a
 * loaded leader): its event loop is what serves them, and an fsync there stalls every one.
 */
import type { DurableLog } from "./storage.js";

/** A durable operation of a step, already serialised. */
export type DurableOp = { readonly kind: "records"; readonly bodies: readonly Buffer[] } | { readonly kind: "compact"; readonly body: Buffer };

/** A batch's operations with consecutive records merged: each run of records is written with one system call, not one per step. */
function runs(ops: readonly DurableOp[]): DurableOp[] {
  const out: DurableOp[] = [];
  let bodies: Buffer[] | undefined;
  for (const op of ops) {
    if (op.kind === "compact") {
      bodies = undefined;
      out.push(op);
    } else if (bodies !== undefined) {
      for (const b of op.bodies) bodies.push(b);
    } else {
      bodies = op.bodies.slice();
      out.push({ kind: "records", bodies });
    }
  }
  return out;
}

/** What one batch cost, for metrics. */
export interface BatchStats {
  readonly records: number;
  readonly steps: number;
  readonly fsyncMs: number;
}

/**
 * How long the log must stay idle before the last batch's end is recorded as durable with an
 * fsync of its own. Under load the next batch's sync records it for free; a 10 ms wait made
 * these extra fsyncs a large share of a loaded node's disk time, each one delaying a batch.
 */
const MARK_IDLE_MS = 100;

/** Most batches whose fsync runs at once: a request arriving mid-fsync waits for one fsync, not one and a half. */
const MAX_IN_FLIGHT = 2;

/** Batches durable operations into fsyncs and holds outputs until their batch is durable. */
export class GroupCommit {
  private ops: DurableOp[] = [];
  private steps = 0;
  /** Number of the batch being gathered; batches up to `durable` are on disk. */
  private gathering = 1;
  private lastStaged = 0;
  private durable = 0;
  /** Batches written whose fsync has not returned. */
  private inFlight = 0;
  /** A batch that rotates the log, or the idle mark, is running: nothing else may. */
  private exclusive = false;
  private scheduled = false;
  private failed = false;
  private readonly held: { epoch: number; run: () => void }[] = [];
  private idle: (() => void)[] = [];
  private markTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: DurableLog,
    private readonly onFailure: (err: Error) => void,
    private readonly observe: (stats: BatchStats) => void = () => undefined,
    /** False when the event loop must not wait for an fsync (clients are waiting on it): every batch goes to the thread pool. */
    private readonly mayBlock: () => boolean = () => true,
  ) {}

  /** Stages one step's durable operations (in effect order). */
  stage(ops: readonly DurableOp[]): void {
    if (ops.length === 0) return;
    this.ops.push(...ops);
    this.steps++;
    this.lastStaged = this.gathering;
    if (!this.scheduled) {
      // Let the rest of this turn's frames join the batch.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Runs `output` once everything staged so far is durable (now, if it already is). */
  release(output: () => void): void {
    if (this.held.length === 0 && this.lastStaged <= this.durable) output();
    else this.held.push({ epoch: this.lastStaged, run: output });
  }

  /** True while something is staged or being synced. */
  get busy(): boolean {
    return this.ops.length > 0 || this.inFlight > 0 || this.exclusive || this.held.length > 0;
  }

  /** Resolves once everything staged so far is durable and its outputs released. */
  drain(): Promise<void> {
    if (!this.busy || this.failed) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private flush(): void {
    if (this.exclusive || this.inFlight >= MAX_IN_FLIGHT || this.ops.length === 0 || this.failed) return;
    const rotates = this.storage.dueForRotation && this.ops.some((op) => op.kind === "compact");
    if (rotates && this.inFlight > 0) return; // runs alone, once the syncs in flight return
    const epoch = this.gathering++;
    const ops = this.ops;
    const steps = this.steps;
    this.ops = [];
    this.steps = 0;
    const started = process.hrtime.bigint();
    if (steps === 1 && this.inFlight === 0 && !rotates && this.mayBlock()) {
      // One step's records and nothing else in flight (a follower's AppendEntries, a lightly
      // loaded leader): fsync on the event loop. The thread pool's round trip would put two more
      // wake-ups between the write and the step's outputs; nothing else is waiting for the loop.
      let records: number;
      try {
        records = this.writeInline(ops);
      } catch (err) {
        return this.fail(err as Error);
      }
      this.synced(epoch, false, { records, steps, fsyncMs: Number(process.hrtime.bigint() - started) / 1e6 });
      return;
    }
    this.inFlight++;
    if (rotates) this.exclusive = true;
    this.write(ops, rotates).then(
      (records) => {
        this.inFlight--;
        this.synced(epoch, rotates, { records, steps, fsyncMs: Number(process.hrtime.bigint() - started) / 1e6 });
      },
      (err: Error) => this.fail(err),
    );
  }

  /** Batch `epoch` is durable: release what waited for it, start the next batch. */
  private synced(epoch: number, rotates: boolean, stats: BatchStats): void {
    this.observe(stats);
    if (rotates) this.exclusive = false;
    this.durable = Math.max(this.durable, epoch);
    while (this.held.length > 0 && (this.held[0] as { epoch: number }).epoch <= this.durable) (this.held.shift() as { run: () => void }).run();
    this.flush();
    this.settle();
  }

  /** When nothing is left: wake `drain` callers and plan the idle mark. */
  private settle(): void {
    if (this.busy) return;
    for (const resolve of this.idle.splice(0)) resolve();
    this.markWhenIdle();
  }

  /**
   * Writes a batch in order (records, compactions) and makes it durable; resolves with the record
   * count. Only a batch running alone (`mayRotate`) may replace the log file at a compaction.
   */
  private async write(ops: readonly DurableOp[], mayRotate: boolean): Promise<number> {
    let records = 0;
    for (const run of runs(ops)) {
      if (run.kind === "records") {
        this.storage.writeBodies(run.bodies);
        records += run.bodies.length;
      } else if (!this.storage.writeCompaction(run.body, !mayRotate)) await this.storage.compactBody(run.body);
    }
    await new Promise<void>((resolve, reject) => this.storage.sync((err) => (err ? reject(err) : resolve())));
    return records;
  }

  /** Writes a batch of records and fsyncs it on the event loop; returns the record count. */
  private writeInline(ops: readonly DurableOp[]): number {
    let records = 0;
    for (const run of runs(ops)) {
      if (run.kind === "records") {
        this.storage.writeBodies(run.bodies);
        records += run.bodies.length;
      } else this.storage.writeCompaction(run.body, true);
    }
    this.storage.syncNow();
    return records;
  }

  /**
   * Each sync records an earlier batch's end as durable; when no batch follows soon, record the
   * last one's too (one more fsync, only when idle), so a crash cannot pass it off as torn.
   */
  private markWhenIdle(): void {
    clearTimeout(this.markTimer);
    this.markTimer = setTimeout(() => {
      if (this.busy || this.failed || !this.storage.markPending) return;
      // Alone, like a rotation: a batch staged meanwhile waits for this fsync.
      this.exclusive = true;
      this.storage.markAsync((err) => {
        this.exclusive = false;
        if (err) return this.fail(err);
        this.flush();
        this.settle();
      });
    }, MARK_IDLE_MS);
    this.markTimer.unref();
  }

  private fail(err: Error): void {
    this.failed = true;
    this.inFlight = 0;
    this.exclusive = false;
    for (const resolve of this.idle.splice(0)) resolve();
    this.onFailure(err);
  }
}
