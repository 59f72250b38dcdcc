/**
 * Replaying a failure in a plain node script (no test runner):
 *
 *   node --import tsx examples/find-a-bug/replay.ts
 */
import { replayFailure } from "faultline/check";
import { buggyDispensers } from "./dispenser.js";

try {
  replayFailure(buggyDispensers, "fl1.lZJNb9swDIb_isBdtUK2C6zRvcAO22XoTkMPrEQ3QvThSnTaIvB_H6SkQYZmaOobyUc0-fLdwYizZ-8igQZ11V0pkBCTpQL6zw6cBQ2xAwlTTpxM8qDBujJRLJS_PiCbNVlY5BvaX44OH6L3EkyKo3sEvYNCVJ-1-YifU97UbHDxBzJF8_qzgO4kBHw5TSgJNqfpFzKBrsE8eWeQ6ZjJlLKlfIgXCcYnsymgd4uEwinjI-2DyWNsqiCDvpHAr1NVzWQs64Nqe7XqjpVZHZlMhTHzWapXSh3BNaE_X3lb-tMLnemVqcyBPp7mHddfyA3_5S6T4T3YXwoOzTdVKp_QHu-l6mEdRa4X6_6ZoEr2VM3EuCHQnGdaTk74qWf3zYF3LlC139BGDfhyu6XIzY_7b5GwdckjuxRrCxe3mB223_yO7mmmO2c2xAUkBCqleRC45URtItYYLVmRZhb87AxpwUmY7ksnkIUSoYgxpyBiJzDaQ62vtdVJDSSwC9TWpG3b8tsigTMa-l5drWGgcYW2U-MD4fWNuoblLw");
} catch (err) {
  console.log(`replayed: ${(err as Error).message}`);
}
