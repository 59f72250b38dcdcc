/** Running the `faultline` command from its sources in tests: exit code, stdout, stderr. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = fileURLToPath(new URL("../../..", import.meta.url));
const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url));

/** Runs `faultline …args` to completion. */
export function faultline(args: readonly string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", bin, ...args], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
