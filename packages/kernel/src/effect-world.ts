/**
 * The simulator's side of the effect interpreter: where the stepping node's durable writes,
 * messages, timers and replies go. Persist triggers are checked on the write.
 */
import type { Engine } from "./engine.js";
import { CRASHED_AFTER_WRITE, type DurableWrite, type EffectWorld } from "./interpreter.js";
import type { NodeHost } from "./nodes.js";
import type { ClientId, NodeId, RequestId, Timer } from "./protocol.js";
import type { RunState } from "./run-state.js";

/** The simulator's side of the effect interpreter: the virtual log, network, timers and clients of the stepping node. */
export class SimulationEffectWorld implements EffectWorld {
  /** The node whose step is being carried out. */
  host!: NodeHost;
  /**
   * True once a trigger crashed the stepping node in the middle of its step (during or right
   * after a write, right after a send): the rest of the step is lost, and the state the step
   * returned never existed. Reset before each step.
   */
  crashedMidStep = false;
  /**
   * The last id {@link isNode} accepted and its index: the interpreter checks every send's
   * receiver just before sending, so a step with one send looks its receiver up once.
   */
  private lastId: NodeId | undefined = undefined;
  private lastIndex = -1;
  /**
   * Per sender (by node index), the last receiver it sent to and that receiver's index: nodes
   * often send to the same peer again (a reply to a leader, the next node of a ring), and a
   * compare with one id is cheaper than a scan of every id.
   */
  private readonly memoId: (NodeId | undefined)[];
  private readonly memoIndex: Int32Array;
  constructor(
    private readonly engine: Engine,
    private readonly state: RunState,
  ) {
    this.memoId = state.hosts.map(() => undefined);
    this.memoIndex = new Int32Array(state.hosts.length);
  }
  isNode(id: NodeId): boolean {
    const sender = this.host.index;
    let i: number;
    if (this.memoId[sender] === id) {
      i = this.memoIndex[sender] as number;
    } else {
      i = this.engine.nodeIndex(id);
      if (i < 0) return false;
      this.memoId[sender] = id;
      this.memoIndex[sender] = i;
    }
    this.lastId = id;
    this.lastIndex = i;
    return true;
  }
  write(batch: DurableWrite): void | typeof CRASHED_AFTER_WRITE {
    const h = this.host;
    const before = h.records;
    const length = before.length;
    const synced = h.synced;
    if (batch.compacted) {
      h.records = [batch.snapshot];
      h.synced = 1;
    }
    for (const r of batch.records) h.records.push(r);
    if (!this.state.triggers.watchesPersist) return;
    const fired = this.engine.firePersist(h, batch);
    if (fired === "write-lost") {
      // The crash came while the write was under way: none of it reached the disk.
      if (batch.compacted) h.records = before;
      else h.records.length = length;
      h.synced = synced;
      this.crashedMidStep = true;
      return CRASHED_AFTER_WRITE;
    }
    if (fired === "sends-lost") {
      h.synced = h.records.length; // the write itself completed: it survives the crash
      this.crashedMidStep = true;
      return CRASHED_AFTER_WRITE;
    }
  }
  send(to: NodeId, msg: unknown): void | typeof CRASHED_AFTER_WRITE {
    if (this.state.stopped) return;
    const h = this.host;
    h.synced = h.records.length;
    // A send trigger may crash the sender right after this message: the rest of the step is lost.
    if (this.engine.sendFrom(h, to === this.lastId ? this.lastIndex : this.engine.nodeIndex(to), msg)) {
      this.crashedMidStep = true;
      return CRASHED_AFTER_WRITE;
    }
  }
  setTimer(timer: Timer, key: string, afterMs: number): void {
    if (this.state.stopped) return;
    this.engine.armTimer(this.host, timer, key, afterMs);
  }
  cancelTimer(_timer: Timer, key: string): void {
    this.host.timers.delete(key);
  }
  reply(client: ClientId, id: RequestId, res: unknown): void {
    if (this.state.stopped) return;
    this.host.synced = this.host.records.length;
    this.engine.replyFrom(this.host, client, id, res);
  }
}
