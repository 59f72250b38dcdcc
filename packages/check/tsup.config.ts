import { defineConfig } from "tsup";

export default defineConfig({
  // The explorer's worker threads run a script of their own, beside the bundle.
  entry: { index: "src/index.ts", "explore-worker": "src/explore/worker.ts" },
  // import.meta.url in the CommonJS build, where the explorer finds its worker script.
  shims: true,
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
