/**
 * Replaying a failure in a plain node script (no test runner):
 *
 *   node --import tsx examples/find-a-bug/replay.ts
 */
import { replayFailure } from "faultline/check";
import { buggyDispensers } from "./dispenser.js";

try {
  replayFailure(buggyDispensers, "fl1.lZJNb9swDIb_isBdtUK2u7XRfUAP3WXoTkMPrMQ0QvThSnTaIvB_H6SkQYZmaOobyUc0-fLdwhInz95FAg3qortQICEmSwX0ny04CxpiBxLGnDiZ5EGDdWWkWCh_fUA2K7Iwyze0Px8dPkTvJZgUl-4R9BYKUX3W5iN-Tnlds8HFW2SK5vVnAd1JCPhynFASbE7jL2QCXYNp9M4g0yGTKWVLeR_PEoxPZl1Ab2cJhVPGR9oFo8fYVEEGfS2BX8eqmslYVnvVdmrVHSuzODCZCmPmk1SvlDqAK0J_uvK29KcXOtErU5kCfTzNO64_kxv-y50nw3uwPxccmm-qVD6hPdxL1cM6ilwv1v0zQZXsqZqJcU2gOU80H53wU8_umwPvXKBqv6GNGvDlx4YiNz_uvlnCxiWP7FKsLVzcYHbYfvM7uqeJ7pxZExeQEKiU5kHglhO1iVhhtGRFmljwszOkBSdhui-dQBZKhCKWOQURO4HR7mt9rS2OaiCBXaC2Jm3allezBM5o6Ka6WgN9v7KqX1xfPny7HLp-CfNf");
} catch (err) {
  console.log(`replayed: ${(err as Error).message}`);
}
