import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/** Tests import every workspace package from source; the smoke test imports the built dist on purpose. */
export default defineConfig({
  resolve: {
    alias: {
      "@faultline/kernel": src("kernel"),
      "@faultline/check": src("check"),
      "@faultline/two-phase-commit": src("two-phase-commit"),
      "@faultline/raft": src("raft"),
      "@faultline/tcp": src("tcp"),
      "@faultline/cli": src("cli"),
    },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
