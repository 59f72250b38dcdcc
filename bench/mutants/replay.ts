/** Replays a bench failure in a fresh process: `node --import tsx bench/mutants/replay.ts <mutant> <token>` prints the outcome as JSON. */
import { replayCase } from "@faultline/check";
import { mutantNamed, mutantSpace } from "./registry.js";

const [name, token] = process.argv.slice(2);
if (name === undefined || token === undefined) throw new Error("usage: replay.ts <mutant> <token>");
process.stdout.write(JSON.stringify(replayCase(await mutantSpace(mutantNamed(name)), token)) + "\n");
