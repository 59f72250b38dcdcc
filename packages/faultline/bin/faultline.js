#!/usr/bin/env node
// Committed on purpose: package managers link `faultline` to this file at install time, before
// any build, so the link exists in a fresh clone too; the command itself is the built dist/bin.js.
import { existsSync } from "node:fs";
import { URL, fileURLToPath } from "node:url";

const built = new URL("../dist/bin.js", import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(`faultline: ${fileURLToPath(built)} is missing; build it first (in the Faultline repository: pnpm build)\n`);
  process.exit(1);
}
await import(built.href);
