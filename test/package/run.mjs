import * as fc from "fast-check";
import scenario from "./scenario.cjs";

const parts = JSON.parse(process.argv[2]);
const mods = Object.fromEntries(await Promise.all(parts.map(async (p) => [p, await import(p)])));
process.stdout.write(JSON.stringify(scenario(mods, fc)));
