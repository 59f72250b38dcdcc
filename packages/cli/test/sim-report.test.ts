import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { ChunkResult } from "../src/sim/chunks.js";
import { sweepSummaryHtml } from "../src/sim/html/summary.js";
import { formatReport, mergeChunks, type SweepReport } from "../src/sim/report.js";
import { faultline, root } from "./sim.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const dispensers = "examples/find-a-bug/system.ts";

const chunk = (index: number, runs: number, states: string[], transitions: string[], fired: Record<string, number> = {}): ChunkResult => ({ index, runs, states, transitions, sometimes: {}, fired, corpus: 0 });

describe("the sweep report's coverage growth", () => {
  it("counts distinct states and transitions after each chunk, in index order, whatever order the chunks came in", () => {
    const plan = { system: "x", mode: "swarm" as const, runs: 25, seed: 1, chunkSize: 10 };
    const chunks = [chunk(2, 5, ["c", "d"], ["c>d"]), chunk(0, 10, ["a", "b"], ["a>b"]), chunk(1, 10, ["b", "c"], ["a>b", "b>c"])];
    const r = mergeChunks("x", ["never seen"], plan, chunks);
    expect(r.coverage.growth).toEqual([
      { runs: 10, states: 2, transitions: 1 },
      { runs: 20, states: 3, transitions: 2 },
      { runs: 25, states: 4, transitions: 3 },
    ]);
    expect(formatReport(r, "x")).toContain("growth (states/transitions after runs): 2/1 after 10, 3/2 after 20, 4/3 after 25");
  });

  it("the page lists sometimes-assertions never reached and every fault kind, the unfired ones marked", () => {
    const plan = { system: "x", mode: "triggers" as const, runs: 10, seed: 1, chunkSize: 10 };
    const r: SweepReport = mergeChunks("x", ["reached", "never <seen>"], plan, [{ ...chunk(0, 10, ["a"], []), sometimes: { reached: 3 }, fired: { crash: 2, "send→drop": 1 } }]);
    const html = sweepSummaryHtml(r, 2);
    expect(html).toMatch(/<ul id="never"><li class="bad">never &lt;seen&gt;<\/li><\/ul>/);
    expect(html).toContain('<tr class="fired"><td>crash</td><td>timed</td><td>2</td></tr>');
    expect(html).toContain('<tr class="fired"><td>send→drop</td><td>trigger</td><td>1</td></tr>');
    expect(html).toContain('<tr class="unfired"><td>partition</td><td>timed</td><td>never</td></tr>');
    expect(html).toContain('<tr class="unfired"><td>state→crash</td><td>trigger</td><td>never</td></tr>');
    expect(html).toContain('<svg id="growth"');
  });
});

describe("the sweep report page in Chromium", () => {
  it("shows the growth chart, the fault table and the failures with their pictures embedded", async () => {
    expect(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "faultline-report-"));
    const s = faultline(["sweep", dispensers, "--runs", "300", "--mode", "swarm", "--workers", "1", "--out", dir]);
    expect(s.code, s.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as SweepReport;
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      tab.on("pageerror", (e) => errors.push(e.message));
      await tab.goto(`file://${join(dir, "report.html")}`);
      expect(await tab.locator("#verdict").textContent()).toBe(`${report.failures.length} failure(s)`);
      // One point per chunk (the polyline adds the origin); the legend gives the final counts.
      expect(Number(await tab.locator("#growth").getAttribute("data-points"))).toBe(report.coverage.growth.length);
      const points = ((await tab.locator("#growth polyline.states").getAttribute("points")) ?? "").split(" ");
      expect(points).toHaveLength(report.coverage.growth.length + 1);
      expect(await tab.locator("#growth").textContent()).toContain(`states ${report.coverage.states}`);
      expect(await tab.locator("#growth").textContent()).toContain(`transitions ${report.coverage.transitions}`);
      // Swarm mode draws no triggers: every trigger row says never; the timed kinds that fired give their counts.
      for (const [kind, n] of Object.entries(report.coverage.fired)) expect(await tab.locator(`#faults tr.fired:has(td:text-is("${kind}")) td`).last().textContent()).toBe(String(n));
      expect(await tab.locator('#faults tr.unfired:has(td:text-is("state→crash"))').count()).toBe(1);
      // The first failure's picture, embedded: its violation is shown.
      const frame = tab.frameLocator("iframe.picture").first();
      expect(await frame.locator("#verdict").textContent()).toMatch(/VIOLATION UniqueTickets/);
      // The embedded pictures scroll their own lanes to the violation, not the report.
      expect(await tab.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY)).toBe(0);
      expect(errors).toEqual([]);
      const shot = join(dir, "report.png");
      await tab.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      if (process.env.FAULTLINE_UPDATE_DOCS) {
        // The README's picture: the page's first screen (summary, chart, sometimes, fault kinds).
        await tab.setViewportSize({ width: 1000, height: 1150 });
        await tab.screenshot({ path: join(root, "docs/sweep-report.png") });
      }
    } finally {
      await browser.close();
    }
  }, 240_000);
});
