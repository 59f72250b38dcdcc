import { defineConfig, mergeConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import base from "./vitest.config";

/**
 * Stryker runs the tests that cover a mutant and stops at the first failure, so the quickest
 * files should go first; vitest's own order runs the longest first (best for parallel runs, worst
 * for bailing). A file that failed last time still goes first (it likely kills the neighbouring
 * mutant too); files never timed go by size, smallest first.
 */
class ShortestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cost = (spec: TestSpecification): number => {
      const key = `${spec.project.name}:${spec.moduleId.slice(this.ctx.config.root.length + 1)}`;
      const result = this.ctx.cache.getFileTestResults(key);
      if (result !== undefined) return (result.failed ? 0 : 1e8) + result.duration;
      return 1e9 + (this.ctx.cache.getFileStats(key)?.size ?? 0);
    };
    return [...files].sort((a, b) => cost(a) - cost(b) || (a.moduleId < b.moduleId ? -1 : 1));
  }
}

/** The default vitest config with the quickest test files first: Stryker's runner uses this one (stryker.config.mjs). */
export default mergeConfig(base, defineConfig({ test: { sequence: { sequencer: ShortestFirst } } }));
