/**
 * Builds and runs porcupine (github.com/anishathalye/porcupine) for the side-by-side bench. Its
 * source is never in this repository: the bench looks for a copy in $PORCUPINE_DIR, else
 * /work/.cache/porcupine (clone it there yourself), builds bench/porcupine-driver/main.go in a
 * temp directory with a go.mod `replace` pointing at that copy (GOPROXY=off, GOTOOLCHAIN=local:
 * nothing is downloaded), and runs it on the history files.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** One file's verdict and time as the driver prints them. */
export interface PorcupineRun {
  readonly file: string;
  readonly verdict: "ok" | "illegal" | "unknown";
  readonly ms: number;
}

const GO_ENV = { ...process.env, GOFLAGS: "-mod=mod", GOPROXY: "off", GOTOOLCHAIN: "local" };

/** Where the porcupine copy is looked for: $PORCUPINE_DIR, else /work/.cache/porcupine. */
export function porcupineDir(): string {
  return resolve(process.env.PORCUPINE_DIR ?? "/work/.cache/porcupine");
}

/** Builds the driver; returns its path, or why porcupine is absent. */
export function buildPorcupineDriver(): { driver: string } | { absent: string } {
  const dir = porcupineDir();
  if (!existsSync(join(dir, "checker.go"))) return { absent: `no porcupine copy at ${dir} (set PORCUPINE_DIR)` };
  if (spawnSync("go", ["version"], { env: GO_ENV }).status !== 0) return { absent: "no go toolchain on PATH" };
  const work = mkdtempSync(join(tmpdir(), "faultline-porcupine-driver-"));
  copyFileSync(fileURLToPath(new URL("../porcupine-driver/main.go", import.meta.url)), join(work, "main.go"));
  writeFileSync(
    join(work, "go.mod"),
    `module faultline.local/porcupine-driver\n\ngo 1.19\n\nrequire github.com/anishathalye/porcupine v0.0.0\n\nreplace github.com/anishathalye/porcupine => ${dir}\n`,
  );
  const built = spawnSync("go", ["build", "-o", "driver", "."], { cwd: work, env: GO_ENV, encoding: "utf8" });
  if (built.status !== 0) return { absent: `the driver did not build: ${built.stderr.trim().split("\n").slice(0, 3).join(" / ")}` };
  return { driver: join(work, "driver") };
}

/** Runs the driver on `files` (one process; each file checked `repeat` times, the fastest reported, each with `timeoutMs`). */
export function runPorcupine(driver: string, files: readonly string[], timeoutMs: number, repeat = 1): PorcupineRun[] {
  const out = execFileSync(driver, ["-timeout", `${timeoutMs}ms`, "-repeat", String(repeat), ...files], { encoding: "utf8", maxBuffer: 1 << 24 });
  return out
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as PorcupineRun);
}
