/**
 * The end of the walkthrough (README.md, step 5): the bug is fixed, and the line the runner
 * printed becomes a regression test that must PASS. The token is the one pasted in
 * find-a-bug.test.ts; the fixed protocol was renamed ("dispenser-batched" → "dispenser"), so the
 * replay allows the new name for the same node ids.
 */
import { expect, it } from "vitest";
import { replayFailure } from "faultline/check";
import { buggyDispensers, fixedDispensers } from "./dispenser.js";

const ticketBug = "fl1.lZJNb9swDIb_isBdtUK2u7XRfUAP3WXoTkMPrMQ0QvThSnTaIvB_H6SkQYZmaOobyUc0-fLdwhInz95FAg3qortQICEmSwX0ny04CxpiBxLGnDiZ5EGDdWWkWCh_fUA2K7Iwyze0Px8dPkTvJZgUl-4R9BYKUX3W5iN-Tnlds8HFW2SK5vVnAd1JCPhynFASbE7jL2QCXYNp9M4g0yGTKWVLeR_PEoxPZl1Ab2cJhVPGR9oFo8fYVEEGfS2BX8eqmslYVnvVdmrVHSuzODCZCmPmk1SvlDqAK0J_uvK29KcXOtErU5kCfTzNO64_kxv-y50nw3uwPxccmm-qVD6hPdxL1cM6ilwv1v0zQZXsqZqJcU2gOU80H53wU8_umwPvXKBqv6GNGvDlx4YiNz_uvlnCxiWP7FKsLVzcYHbYfvM7uqeJ7pxZExeQEKiU5kHglhO1iVhhtGRFmljwszOkBSdhui-dQBZKhCKWOQURO4HR7mt9rS2OaiCBXaC2Jm3allezBM5o6Ka6WgN9v7KqX1xfPny7HLp-CfNf";

it("the ticket bug stays fixed: the recorded run replays without a violation", () => {
  const run = replayFailure(fixedDispensers, ticketBug, { expect: "pass", allowRenamed: true });
  expect(run.ok).toBe(true);
  // The same seed, plan and workload: two requests to n1 around its crash, now two tickets.
  expect(run.history.map((h) => h.res)).toEqual([1000, 1001]);
});

it("would fail while the bug is there", () => {
  expect(() => replayFailure(buggyDispensers, ticketBug, { expect: "pass" })).toThrow(/^replay still fails: UniqueTickets: ticket 1000 handed out twice/);
});
