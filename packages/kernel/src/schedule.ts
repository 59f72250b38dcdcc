/**
 * The run's clock and agenda: virtual time, the event queue and the sequence counter that orders
 * events at the same time.
 */
import { EventAgenda } from "./agenda.js";
import type { QueuedEvent } from "./events.js";

/** Virtual time, the queue and the step count of one run. */
export class Schedule {
  constructor(
    /** Virtual time in ms. */
    public time: number,
    /** Events processed so far (drops taken by exploration included). */
    public events: number,
    /** The last sequence number handed out. */
    private seq: number,
    readonly queue: EventAgenda<QueuedEvent>,
  ) {}

  /** An empty agenda at time 0. */
  static empty(): Schedule {
    return new Schedule(0, 0, 0, new EventAgenda<QueuedEvent>());
  }

  /** A copy with its own queue. */
  clone(): Schedule {
    return new Schedule(this.time, this.events, this.seq, this.queue.clone());
  }

  /** The next sequence number. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Moves the clock forward to `time` (never back: exploration takes events out of order). */
  advanceTo(time: number): void {
    if (time > this.time) this.time = time;
  }
}
