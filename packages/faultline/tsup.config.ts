import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/check.ts", "src/two-phase-commit.ts", "src/raft.ts", "src/tcp.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
