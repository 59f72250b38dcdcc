import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

const umbrella = fileURLToPath(new URL("./packages/faultline/src/", import.meta.url));

/**
 * Tests import every workspace package from source, `faultline/<part>` through the umbrella's
 * source facade; the smoke and package tests run the built dist and the packed tarball on purpose.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: "@faultline/kernel", replacement: src("kernel") },
      { find: "@faultline/check", replacement: src("check") },
      { find: "@faultline/two-phase-commit", replacement: src("two-phase-commit") },
      { find: "@faultline/raft", replacement: src("raft") },
      { find: "@faultline/pubsub", replacement: src("pubsub") },
      { find: "@faultline/tcp", replacement: src("tcp") },
      { find: "@faultline/cli", replacement: src("cli") },
      { find: /^faultline$/, replacement: `${umbrella}index.ts` },
      { find: /^faultline\/([a-z-]+)$/, replacement: `${umbrella}$1.ts` },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
