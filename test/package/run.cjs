const scenario = require("./scenario.cjs");
const parts = JSON.parse(process.argv[2]);
const mods = Object.fromEntries(parts.map((p) => [p, require(p)]));
process.stdout.write(JSON.stringify(scenario(mods, require("fast-check"))));
