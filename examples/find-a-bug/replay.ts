/**
 * Replaying a failure in a plain node script (no test runner):
 *
 *   node --import tsx examples/find-a-bug/replay.ts
 */
import { replayFailure } from "faultline/check";
import { buggyDispensers } from "./dispenser.js";

try {
  replayFailure(buggyDispensers, "fl1.lZNNTyMxDIb_SuS9ZlFmZtHS3FfaA1xW7AlxMIlLo-ZjSDwFVM1_XyUtVRFdUeZm-0liv35nC0ucPHsXCTSoi-5CgYSYLBXQd1twFjTEDiSMOXEyyYMG68pIsVD-_oBsVmRhlm9ofz46fIreSzApLt0j6C0Uonqs9Uf8nPK6ZoOL18gUzetNAd1JCPhynFASbE7jH2QCXYNp9M4g0yGTKWVLeR_PEoxPZl1Ab2cJhVPGR9oFo8fYVEEGfSWBX8eqmslYVnvVdmrVGSuzODCZCmPmk1SvlDqAK0J_uvI29JcHOnFXpjIF-rybD1x_Jjf8lztPho9gfy44NN9UqXxCe9iXqot1FLlurHvXQZXsqZqJcU2gOU80H63wS8fumwNvXaBqv6G1GvDl14YiNz_uvlnCxiWP7FKsV7i4weywPfM3uqeJbp1ZExeQEKiU5kHglhP1ErHCaMmKNLHgZ2dIC07CdN86gSyUCEUscwoidgKj3df6Wlsc1UACu0BtTNq0KX_OEjijod_V1RrMJXa97dXwY_Fgbf0r_wE");
} catch (err) {
  console.log(`replayed: ${(err as Error).message}`);
}
