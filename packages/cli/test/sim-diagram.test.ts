import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { faultline } from "./sim.js";

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
      const shot = join(dir, "diagram.png");
      await tab.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      process.stdout.write(`screenshot: ${shot}\n`);
    } finally {
      await browser.close();
    }
  }, 240_000);

  it("draws messages as arrows into their delivery for a Raft run, heartbeats folded until asked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "faultline-diagram-"));
    const page = join(dir, "raft.html");
    const r = faultline(["run", "raft", "--seed", "2", "--html", page]);
    expect(r.code, r.stderr).toBe(0);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1000, height: 600 } });
      await tab.goto(`file://${page}`);
      const folded = await tab.locator('circle.ev[data-kind="deliver"]').count();
      expect(folded).toBeGreaterThan(0);
      await tab.locator("#fold").uncheck();
      expect(await tab.locator('circle.ev[data-kind="deliver"]').count()).toBeGreaterThan(folded);
      expect(await tab.locator("svg line").count()).toBeGreaterThan(folded);
      await tab.screenshot({ path: join(dir, "raft.png") });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
