/**
 * Group commit: the records of many steps — from every connection and frame handled while the
 * previous fsync ran — are written and made durable by one fsync. A step's outputs (messages and
 * replies) are held until everything it (or any step before it) persisted is durable, then
 * released in step order: durable before any of the batch's sends or replies.
 */
import type { DurableLog } from "./storage.js";

/** A durable operation of a step, already serialised. */
export type DurableOp = { readonly kind: "records"; readonly bodies: readonly Buffer[] } | { readonly kind: "compact"; readonly body: Buffer };

/** What one batch cost, for metrics. */
export interface BatchStats {
  readonly records: number;
  readonly steps: number;
  readonly fsyncMs: number;
}

/** Batches durable operations into fsyncs and holds outputs until their batch is durable. */
export class GroupCommit {
  private ops: DurableOp[] = [];
  private steps = 0;
  /** Number of the batch being gathered; batches before `durable + 1` are on disk. */
  private gathering = 1;
  private lastStaged = 0;
  private durable = 0;
  private flushing = false;
  private scheduled = false;
  private failed = false;
  private readonly held: { epoch: number; run: () => void }[] = [];
  private idle: (() => void)[] = [];
  private markTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: DurableLog,
    private readonly onFailure: (err: Error) => void,
    private readonly observe: (stats: BatchStats) => void = () => undefined,
  ) {}

  /** Stages one step's durable operations (in effect order). */
  stage(ops: readonly DurableOp[]): void {
    if (ops.length === 0) return;
    this.ops.push(...ops);
    this.steps++;
    this.lastStaged = this.gathering;
    if (!this.flushing && !this.scheduled) {
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
    return this.ops.length > 0 || this.flushing || this.held.length > 0;
  }

  /** Resolves once everything staged so far is durable and its outputs released. */
  drain(): Promise<void> {
    if (!this.busy || this.failed) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private flush(): void {
    if (this.flushing || this.ops.length === 0 || this.failed) return;
    this.flushing = true;
    const epoch = this.gathering++;
    const ops = this.ops;
    const steps = this.steps;
    this.ops = [];
    this.steps = 0;
    const started = process.hrtime.bigint();
    this.write(ops).then(
      (records) => {
        this.observe({ records, steps, fsyncMs: Number(process.hrtime.bigint() - started) / 1e6 });
        this.durable = epoch;
        this.flushing = false;
        while (this.held.length > 0 && (this.held[0] as { epoch: number }).epoch <= this.durable) (this.held.shift() as { run: () => void }).run();
        if (this.ops.length > 0) this.flush();
        else {
          if (!this.busy) for (const resolve of this.idle.splice(0)) resolve();
          this.markWhenIdle();
        }
      },
      (err: Error) => this.fail(err),
    );
  }

  /** Writes a batch in order (records, compactions) and makes it durable; resolves with the record count. */
  private async write(ops: readonly DurableOp[]): Promise<number> {
    let records = 0;
    for (const op of ops) {
      if (op.kind === "records") {
        this.storage.writeBodies(op.bodies);
        records += op.bodies.length;
      } else await this.storage.compactBody(op.body);
    }
    await new Promise<void>((resolve, reject) => this.storage.sync((err) => (err ? reject(err) : resolve())));
    return records;
  }

  /**
   * Each sync records the previous batch's end as durable; when no batch follows soon, record
   * this one's too (one more fsync, only when idle), so a crash cannot pass it off as torn.
   */
  private markWhenIdle(): void {
    clearTimeout(this.markTimer);
    this.markTimer = setTimeout(() => {
      if (this.busy || this.failed || !this.storage.markPending) return;
      // Single flight with the batches: a batch staged meanwhile waits for this fsync.
      this.flushing = true;
      this.storage.markAsync((err) => {
        this.flushing = false;
        if (err) return this.fail(err);
        if (this.ops.length > 0) this.flush();
        else if (!this.busy) for (const resolve of this.idle.splice(0)) resolve();
      });
    }, 10);
    this.markTimer.unref();
  }

  private fail(err: Error): void {
    this.failed = true;
    this.flushing = false;
    for (const resolve of this.idle.splice(0)) resolve();
    this.onFailure(err);
  }
}
