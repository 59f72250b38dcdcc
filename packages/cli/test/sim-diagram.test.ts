import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { Simulation, type Protocol, type TraceEvent } from "@faultline/kernel";
import { diagramHtml } from "../src/sim/html/diagram.js";
import { faultline, root } from "./sim.js";

// Debian's chromium (.ci/run installs it). Missing, this test fails: it never skips.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const dispensers = "examples/find-a-bug/system.ts";

describe("the HTML space–time diagram of a run", () => {
  it("a failure found by sweep, replayed with --html, renders in Chromium: violation visible, a click shows the event, screenshot written", async () => {
    expect(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "faultline-diagram-"));
    const s = faultline(["sweep", dispensers, "--runs", "100", "--mode", "swarm", "--workers", "1", "--out", dir]);
    expect(s.code, s.stderr).toBe(1);
    const page = join(dir, "failure.html");
    const r = faultline(["replay", join(dir, "replay.txt"), "--system", dispensers, "--html", page]);
    expect(r.code, r.stderr).toBe(1);
    const html = readFileSync(page, "utf8");
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1000, height: 600 } });
      await tab.goto(`file://${page}`);
      expect(await tab.locator("#verdict").textContent()).toMatch(/VIOLATION UniqueTickets/);
      // Highlighted and scrolled to: in the viewport of its scrolling pane.
      await expect.poll(() => tab.locator("#violation").evaluate((e) => {
        const r = e.getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= (globalThis as unknown as { innerHeight: number }).innerHeight;
      })).toBe(true);
      const events = tab.locator("circle.ev, rect.ev");
      expect(await events.count()).toBeGreaterThan(3);
      expect(await tab.locator('rect.ev[data-kind="fault"]').count()).toBeGreaterThan(0);
      await tab.locator('circle.ev[data-kind="reply"]').first().click();
      expect(await tab.locator("#detail-title").textContent()).toMatch(/reply at \d+ ms on n\d/);
      expect(await tab.locator("#detail").textContent()).toContain('"res"');
      // A request steps the dispenser: its state before and after, the changed field diffed.
      await tab.locator('circle.ev[data-kind="request"]').first().click();
      expect(await tab.locator("#state td b").first().textContent()).toBe("next");
      const next = Number(await tab.locator("#state pre.before").first().textContent());
      expect(Number(await tab.locator("#state pre.after").first().textContent())).toBe(next + 1);
      // Filtering a node out removes its events.
      const before = await events.count();
      await tab.locator('input[data-node="n1"]').uncheck();
      expect(await tab.locator("circle.ev, rect.ev").count()).toBeLessThan(before);
      await tab.locator('input[data-node="n1"]').check();
      // The picture: the violation at the bottom of the pane, the first request above it.
      await tab.locator("#violation").evaluate((v) => v.scrollIntoView({ block: "end" }));
      const shot = join(dir, "diagram.png");
      await tab.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      if (process.env.FAULTLINE_UPDATE_DOCS) copyFileSync(shot, join(root, "docs/run-diagram.png"));
      process.stdout.write(`screenshot: ${shot}\n`);
    } finally {
      await browser.close();
    }
  }, 240_000);

  it("a Raft run with faults: arrows start at their send time on the sender's lane, drops end in a cross, duplicates marked, outages as lane states", async () => {
    const dir = mkdtempSync(join(tmpdir(), "faultline-diagram-"));
    const page = join(dir, "raft.html");
    // A partition cutting n1 off (300–700 ms), n2 crashed (900–1200 ms), n3 paused (1300–1500 ms), duplicates and drops.
    const r = faultline(["run", "raft", "--seed", "3", "--plan", "packages/cli/test/fixtures/raft-faults.json", "--html", page]);
    expect(r.code, r.stderr).toBe(0);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      tab.on("pageerror", (e) => errors.push(e.message));
      await tab.goto(`file://${page}`);
      const folded = await tab.locator("line.msg").count();
      expect(folded).toBeGreaterThan(0);
      await tab.locator("#fold").uncheck();
      const g = await tab.evaluate(geometry);
      expect(errors).toEqual([]);
      expect(g.arrows.length).toBeGreaterThan(folded);
      const messages = g.trace.filter((e) => (e.kind === "deliver" || e.kind === "drop") && e.from !== undefined);
      expect(g.arrows.length).toBe(messages.length);
      for (const a of g.arrows) {
        const e = g.trace[a.index] as TraceEvent;
        // The arrow starts on the sender's lane at the send time the kernel recorded…
        expect(a.x1).toBeCloseTo(g.laneX[e.from as string] as number, 6);
        expect(a.y1).toBeCloseTo(50 + (e.sentAt as number) * g.zoom, 6);
        // …where the sender's step that sent it is drawn (the event that stepped it, or its restart).
        expect(g.dots.some((d) => d.lane === e.from && Math.abs(d.y - a.y1) < 1e-6), `no event of ${e.from} at ${e.sentAt} ms for #${a.index}`).toBe(true);
        // A delivery's arrow ends at its receiver's dot (6 px short, for the head); a drop ends in a cross.
        if (e.kind === "deliver") expect(Math.hypot(a.x2 - a.dotX, a.y2 - a.dotY)).toBeCloseTo(6, 3);
      }
      // Arrows the old picture drew wrong: the sender did something between sending and the delivery.
      const later = g.arrows.filter((a) => {
        const e = g.trace[a.index] as TraceEvent;
        return g.trace.some((x, k) => k < a.index && x.node === e.from && x.kind !== "drop" && x.t > (e.sentAt as number) && x.t < e.t);
      });
      expect(later.length).toBeGreaterThan(10);
      expect(g.crosses).toBe(messages.filter((e) => e.kind === "drop").length);
      const dups = messages.filter((e) => e.duplicate).length;
      expect(dups).toBeGreaterThan(0);
      expect(g.arrows.filter((a) => a.marker === "url(#arrow-dup)").length).toBe(dups);
      expect(await tab.locator("text.dup").count()).toBe(dups);
      expect(g.states).toEqual(expect.arrayContaining([
        { node: "n1", kind: "cut off from n2, n3", from: 300, to: 700 },
        { node: "n2", kind: "cut off from n1", from: 300, to: 700 },
        { node: "n2", kind: "down", from: 900, to: 1200 },
        { node: "n3", kind: "paused", from: 1300, to: 1500 },
      ]));
      // Clicking a delivery says when and by whom it was sent.
      const d = g.arrows.find((a) => g.trace[a.index]?.kind === "deliver" && (g.trace[a.index]?.t as number) > (g.trace[a.index]?.sentAt as number)) as Arrow;
      // Dispatched on the dot itself: in a busy stretch a neighbouring dot may cover it.
      await tab.locator(`circle.ev[data-index="${d.index}"]`).dispatchEvent("click");
      const e = g.trace[d.index] as TraceEvent;
      expect(await tab.locator("#sent").textContent()).toBe(`sent by ${e.from} at ${e.sentAt} ms, delivered after ${e.t - (e.sentAt as number)} ms`);
      // The README's picture: the first 1.6 s, partition, crash and pause in view.
      await tab.locator("#fold").check();
      await tab.locator("#zoom").evaluate((x) => {
        (x as unknown as { value: string }).value = "0.5";
        x.dispatchEvent(new Event("input"));
      });
      const shot = join(dir, "raft.png");
      await tab.screenshot({ path: shot });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      if (process.env.FAULTLINE_UPDATE_DOCS) copyFileSync(shot, join(root, "docs/raft-diagram.png"));
    } finally {
      await browser.close();
    }
  }, 120_000);

  it("a trigger fired by the kernel: a diamond on the node it hit, its crash a lane state until the node steps again; the arming only a note", async () => {
    const sim = new Simulation({
      seed: 1,
      nodes: ["a", "b"].map((id) => ({ id, protocol: echo })),
      network: { minLatencyMs: 5, maxLatencyMs: 5 },
      plan: [{ at: 0, type: "trigger", when: { on: "send", from: "a" }, then: { do: "drop" } }, { at: 0, type: "trigger", when: { on: "state", node: "b", path: "got", equals: 1 }, then: { do: "crash", restartAfterSteps: 1 } }],
      workload: [10, 20, 30].map((at) => ({ at, client: `c${at}`, node: "a", req: "b" })),
      maxTimeMs: 100,
      trace: { full: true },
    });
    const trace = sim.run().trace ?? [];
    const dir = mkdtempSync(join(tmpdir(), "faultline-diagram-"));
    const page = join(dir, "triggers.html");
    writeFileSync(page, diagramHtml({ title: "triggers", trace, nodes: ["a", "b"] }));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1000, height: 700 } });
      await tab.goto(`file://${page}`);
      // Each trigger is in the trace twice: armed at 0 ms, fired (the same action) at 10 and 25 ms.
      const triggers = trace.flatMap((e, i) => (e.kind === "fault" && e.action?.type === "trigger" ? [{ i, t: e.t }] : []));
      expect(triggers.map((x) => x.t)).toEqual([0, 0, 10, 25]);
      expect(await tab.locator("path.ev.fired").count()).toBe(2);
      expect(await tab.locator("text.armed").count()).toBe(2);
      // Each diamond on the lane of the node it hit: a (the sender whose message it dropped), then b (whose state it watched);
      // beside the event that set it off, at the same time.
      for (const [k, node] of [[2, "a"], [3, "b"]] as const) {
        const x = Number(await tab.locator(`line.lane[data-lane="${node}"]`).getAttribute("x1"));
        const d = (await tab.locator(`path.ev.fired[data-index="${triggers[k]?.i}"]`).getAttribute("d")) ?? "";
        const dx = Number(/^M([\d.]+),/.exec(d)?.[1]) - x;
        expect(dx, `the trigger that fired at ${triggers[k]?.t} ms is drawn on ${node}'s lane`).toBeGreaterThanOrEqual(0);
        expect(dx).toBeLessThan(40);
      }
      // b crashed at 25 ms and came back at its next step (the restart after one step has no event of its own).
      const back = trace.find((e) => e.node === "b" && e.t > 25 && (e.kind === "deliver" || e.kind === "request" || e.kind === "timer"));
      const down = tab.locator('rect.lane-state.down[data-node="b"]');
      expect(await down.getAttribute("data-from")).toBe("25");
      expect(await down.getAttribute("data-to")).toBe(String(back?.t));
    } finally {
      await browser.close();
    }
  }, 60_000);
});

interface Arrow { index: number; x1: number; y1: number; x2: number; y2: number; dotX: number; dotY: number; marker: string | null }

/** The little of the DOM `geometry` uses (the tests compile without the DOM library). */
interface El {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly classList: { contains(c: string): boolean; readonly [i: number]: string };
  getAttribute(a: string): string | null;
  querySelector(s: string): El | null;
}
interface Doc {
  getElementById(id: string): El | null;
  querySelectorAll(s: string): ArrayLike<El> & Iterable<El>;
}

/** Runs in the page: the drawn arrows, dots, crosses and lane states, and the run's data. */
function geometry() {
  const doc = (globalThis as unknown as { document: Doc }).document;
  const num = (el: El, a: string) => Number(el.getAttribute(a));
  const trace = JSON.parse(doc.getElementById("data")?.textContent ?? "{}").trace as TraceEvent[];
  const laneX: Record<string, number> = {};
  for (const l of doc.querySelectorAll("line.lane")) laneX[l.getAttribute("data-lane") as string] = num(l, "x1");
  const laneAt = (x: number) => Object.entries(laneX).find(([, lx]) => x >= lx - 0.5 && x < lx + 75)?.[0];
  const dots = [...doc.querySelectorAll(".ev")].map((d) => {
    const i = num(d, "data-index");
    const y = d.tagName === "circle" ? num(d, "cy") : d.tagName === "rect" ? num(d, "y") + num(d, "height") / 2 : Number(/,(-?[\d.]+)/.exec(d.getAttribute("d") ?? "")?.[1]) + 8;
    const x = d.tagName === "circle" ? num(d, "cx") : d.tagName === "rect" ? num(d, "x") + num(d, "width") / 2 : Number(/^M(-?[\d.]+)/.exec(d.getAttribute("d") ?? "")?.[1]);
    return { index: i, lane: laneAt(x), x, y };
  });
  const arrows: Arrow[] = [...doc.querySelectorAll("line.msg")].map((l) => {
    const index = num(l, "data-index");
    const dot = dots.find((d) => d.index === index);
    return { index, x1: num(l, "x1"), y1: num(l, "y1"), x2: num(l, "x2"), y2: num(l, "y2"), dotX: dot?.x ?? NaN, dotY: dot?.y ?? NaN, marker: l.getAttribute("marker-end") };
  });
  const states = [...doc.querySelectorAll("rect.lane-state")].map((r) => ({ node: r.getAttribute("data-node"), kind: r.classList.contains("cut") ? (r.querySelector("title")?.textContent ?? "").replace(/ \(.*$/, "") : r.classList[1], from: num(r, "data-from"), to: num(r, "data-to") }));
  return { trace, laneX, dots, arrows, states, crosses: doc.querySelectorAll("path.cross").length, zoom: Number(doc.getElementById("svg")?.getAttribute("data-zoom")) };
}

type EchoState = { readonly got: number };
/** A request to node a makes it send "ping" to the node named in the request; b counts pings. */
const echo: Protocol<EchoState, string, string, string, never> = {
  name: "echo",
  init: () => ({ state: { got: 0 }, effects: [] }),
  step: (s, input) => {
    if (input.type === "message") return { state: { got: s.got + 1 }, effects: [] };
    if (input.type !== "request") return { state: s, effects: [] };
    return { state: s, effects: [{ type: "send", to: input.req, msg: "ping" }, { type: "reply", client: input.client, id: input.id, res: "sent" }] };
  },
};
