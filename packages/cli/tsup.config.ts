import { defineConfig } from "tsup";
import { libraryBuild } from "../../tsup.base.js";

export default defineConfig({ ...libraryBuild, entry: { index: "src/index.ts", bin: "src/bin.ts", "sim-worker": "src/sim/worker.ts" } });
