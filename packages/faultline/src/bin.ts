/** The `faultline` command, bundled from @faultline/cli (the shim in bin/ loads this file). */
import "@faultline/cli/bin";
