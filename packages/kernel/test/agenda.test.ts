import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventAgenda } from "../src/agenda.js";
import { EventQueue } from "../src/heap.js";

interface Ev {
  readonly time: number;
  readonly seq: number;
}

/** What a test does to both queues: queue an event `ahead` ms after the last one taken, take one, remove one by seq, or copy. */
type Op =
  | { readonly op: "push"; readonly ahead: number; readonly olderSeq: number }
  | { readonly op: "pop" }
  | { readonly op: "popNotAfter"; readonly within: number }
  | { readonly op: "remove"; readonly pick: number }
  | { readonly op: "clone" };

const ahead = fc.oneof(
  fc.integer({ min: 0, max: 12 }), // the near future, many events per millisecond
  fc.integer({ min: 0, max: 1_500 }), // inside the wheel's window and past it
  fc.double({ min: 0, max: 50, noNaN: true }), // fractional times (clock drift)
  fc.integer({ min: 0, max: 24 }).map((k) => k / 4), // fractional times sharing milliseconds, in any order
  fc.integer({ min: -5, max: -1 }), // earlier than the last event taken (exploration takes events out of order)
  fc.integer({ min: -3, max: -1 }).map((k) => k / 4), // earlier than the last taken, within its millisecond
  fc.constant(2 ** 31 + 7), // beyond 32-bit times
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("push" as const), ahead, olderSeq: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }) }) },
  { weight: 3, arbitrary: fc.constant({ op: "pop" as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("popNotAfter" as const), within: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.double({ min: 0, max: 3, noNaN: true })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("remove" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: "clone" as const }) },
);

describe("EventAgenda", () => {
  it("takes events in exactly the order of a binary heap holding the same events", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        let agenda = new EventAgenda<Ev>();
        const heap = new EventQueue<Ev>();
        const used = new Set<number>();
        let counter = 0;
        let now = 0;
        for (const o of ops) {
          if (o.op === "push") {
            counter++;
            // Mostly increasing seqs, as the kernel hands out; sometimes an older unused one.
            let seq = counter * 10 - (o.olderSeq > 0 ? o.olderSeq * 10 + 5 : 0);
            if (used.has(seq)) seq = counter * 10;
            used.add(seq);
            const e = { time: Math.max(0, now + o.ahead), seq };
            agenda.push(e);
            heap.push(e);
          } else if (o.op === "pop") {
            const a = agenda.pop();
            expect(a).toBe(heap.pop());
            if (a !== undefined) now = a.time;
          } else if (o.op === "popNotAfter") {
            const limit = now + o.within;
            const next = heap.peek();
            const a = agenda.popNotAfter(limit);
            expect(a).toBe(next !== undefined && next.time <= limit ? heap.pop() : undefined);
            if (a !== undefined) now = a.time;
          } else if (o.op === "remove") {
            const all = heap.unordered();
            if (all.length === 0) continue;
            const seq = (all[o.pick % all.length] as Ev).seq;
            expect(agenda.remove((e) => e.seq === seq)).toBe(heap.remove((e) => e.seq === seq));
          } else {
            agenda = agenda.clone();
          }
          expect(agenda.size).toBe(heap.size);
          expect(agenda.peek()).toBe(heap.peek());
        }
        expect(new Set(agenda.unordered())).toEqual(new Set(heap.unordered()));
        while (heap.size > 0) expect(agenda.pop()).toBe(heap.pop());
        expect(agenda.pop()).toBeUndefined();
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it("keeps events in (time, seq) order within a millisecond and across the wheel's window", () => {
    const agenda = new EventAgenda<Ev>();
    const events = [
      { time: 5, seq: 1 },
      { time: 2_000, seq: 2 }, // beyond the window: the heap
      { time: 5.5, seq: 3 },
      { time: 5.25, seq: 4 }, // earlier than its bucket's last: inserted before it
      { time: 5, seq: 0 }, // an older seq than its bucket's first: inserted first
      { time: 1_000, seq: 6 },
    ];
    for (const e of events) agenda.push(e);
    const out: number[] = [];
    for (let e = agenda.pop(); e !== undefined; e = agenda.pop()) {
      out.push(e.seq);
      if (e.seq === 6) agenda.push({ time: 2_000, seq: 7 }); // now inside the window, after seq 2
    }
    expect(out).toEqual([0, 1, 4, 3, 6, 2, 7]);
  });

  it("takes a fractional event the heap held before a later one of the same millisecond in the wheel", () => {
    const agenda = new EventAgenda<Ev>();
    agenda.push({ time: 1_500.25, seq: 1 }); // past the window: the heap
    agenda.push({ time: 600, seq: 2 });
    expect(agenda.pop()?.seq).toBe(2);
    agenda.push({ time: 1_500.5, seq: 3 }); // now inside the window: the wheel
    agenda.push({ time: 1_501, seq: 4 });
    expect([agenda.pop()?.seq, agenda.pop()?.seq, agenda.pop()?.seq]).toEqual([1, 3, 4]);
  });

  it("takes an event queued earlier than the last one taken, within its millisecond, before the rest of that millisecond", () => {
    const agenda = new EventAgenda<Ev>();
    agenda.push({ time: 5.5, seq: 1 });
    agenda.push({ time: 5.75, seq: 2 });
    expect(agenda.pop()?.seq).toBe(1);
    agenda.push({ time: 5.25, seq: 3 });
    expect([agenda.pop()?.seq, agenda.pop()?.seq, agenda.pop()]).toEqual([3, 2, undefined]);
  });
});
