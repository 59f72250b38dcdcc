import { defineConfig } from "tsup";
import { libraryBuild } from "../../tsup.base.js";

export default defineConfig({
  ...libraryBuild,
  // The explorer's worker threads run a script of their own, beside the bundle.
  entry: { index: "src/index.ts", "explore-worker": "src/explore/worker.ts" },
  // import.meta.url in the CommonJS build, where the explorer finds its worker script.
  shims: true,
});
