/**
 * The build every internal library package shares: ESM and CommonJS for Node 20, with type
 * declarations and source maps. A package's `tsup.config.ts` adds only its entries (and what is
 * its own, such as the explorer's worker script).
 */
import type { Options } from "tsup";

/** tsup options common to the workspace's library packages. */
export const libraryBuild = {
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
} satisfies Options;
