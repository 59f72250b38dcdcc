import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { checkLinearizable, registerModel, renderHistoryHtml, writeHistoryHtml, type Operation, type RegisterInput, type RegisterOutput } from "@faultline/check";

// Debian's chromium (.ci/run installs it). Missing, this test fails: it never skips.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

type RegOp = Operation<RegisterInput<number>, RegisterOutput<number>>;
const w = (client: string, value: number, call: number, ret: number): RegOp => ({ client, input: { op: "write", value }, output: undefined, call, ret });
const r = (client: string, value: number, call: number, ret: number): RegOp => ({ client, input: { op: "read" }, output: value, call, ret });
const cas = (client: string, expect: number, value: number, swapped: boolean, call: number, ret: number): RegOp => ({ client, input: { op: "cas", expect, value }, output: swapped, call, ret });

// An illegal history: c's second read goes back to 1 after b's read saw 3.
const illegal: RegOp[] = [
  w("a", 1, 0, 10),
  cas("b", 1, 2, true, 5, 20),
  { client: "d", input: { op: "write", value: 7 }, call: 8, outcome: "unknown" },
  r("c", 2, 25, 30),
  w("a", 3, 32, 40),
  r("b", 3, 42, 42),
  r("c", 1, 45, 50),
];

describe("the HTML picture of a checked history", () => {
  it("is self-contained: no network resources", () => {
    const html = renderHistoryHtml(checkLinearizable(illegal, registerModel({ initial: 0 })));
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html.match(/class="op /g)).toHaveLength(illegal.length);
  });

  it("renders in headless Chromium: a bar per operation, the failing one and the longest prefix marked, tooltips", async () => {
    expect(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`).toBe(true);
    const result = checkLinearizable(illegal, registerModel({ initial: 0 }));
    expect(result.verdict).toBe("illegal");
    const dir = mkdtempSync(join(tmpdir(), "faultline-lin-html-"));
    const page = join(dir, "history.html");
    writeHistoryHtml(result, page);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 420 } });
      await tab.goto(`file://${page}`);
      expect(await tab.locator(".op").count()).toBe(illegal.length);
      expect(await tab.locator(".lane").count()).toBe(4);
      const failing = tab.locator(".op.failing");
      expect(await failing.count()).toBe(1);
      expect(await failing.getAttribute("data-i")).toBe(String(result.failures[0]?.failing));
      expect(await tab.locator(".op.prefix").count()).toBe(result.failures[0]?.longest?.length);
      expect(await tab.locator(".op.pending").count()).toBe(1);
      // The open-ended bar of the unanswered write reaches the right edge of the plot.
      const plot = await tab.locator("#plot").boundingBox();
      const open = await tab.locator(".op.pending").boundingBox();
      expect((open?.x ?? 0) + (open?.width ?? 0)).toBeGreaterThan((plot?.x ?? 0) + (plot?.width ?? 0) - 40);
      await failing.hover();
      const tip = tab.locator("#tip");
      expect(await tip.isVisible()).toBe(true);
      expect(await tip.textContent()).toContain("read() -> 1");
      const shot = join(dir, "history.png");
      await tab.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      process.stdout.write(`screenshot: ${shot}\n`);
    } finally {
      await browser.close();
    }
  });

  it("marks the linearization order of a legal history", async () => {
    const legal = illegal.slice(0, 6);
    const result = checkLinearizable(legal, registerModel({ initial: 0 }));
    expect(result.verdict).toBe("ok");
    const html = renderHistoryHtml(result);
    const order = result.partitions[0]?.linearization ?? [];
    // Each linearized operation carries its position; the unanswered write is not in the order found.
    order.forEach((i, k) => expect(html).toMatch(new RegExp(`data-i="${i}"[^>]*><b>${k + 1}</b>`)));
    expect(html.match(/class="op order/g)).toHaveLength(order.length);
  });
});
