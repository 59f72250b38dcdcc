/**
 * The long kill -9 run: `BROKER_KILLS=30 node --import tsx packages/cli/test/broker-kill-long.ts`
 * (BROKER_PUBLISHERS, BROKER_ROUND_MS too). Prints progress and a JSON summary; exits 1 on any
 * checker violation or a subscriber that did not resume at its group's committed offset.
 */
import { killRun } from "./broker-kill.js";

const num = (name: string, fallback: number) => {
  const v = process.env[name];
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`${name}: expected a whole number >= 1, got ${JSON.stringify(v)}`);
  return Number(v);
};
const started = Date.now();
const r = await killRun({ kills: num("BROKER_KILLS", 30), publishers: num("BROKER_PUBLISHERS", 3), roundMs: num("BROKER_ROUND_MS", 1_200), log: (l) => console.error(l) });
const badResumes = r.resumes.filter((x) => x.resumedAt < x.committed || x.resumedAt > x.handled);
console.log(
  JSON.stringify({
    kills: r.kills,
    killed: r.killed.join(","),
    acknowledged: r.acked,
    duplicateAcks: r.duplicateAcks,
    checked: r.check.acked,
    found: r.check.found,
    unverified: r.check.unverified,
    violations: r.check.violations.map((v) => `${v.kind}: ${v.message}`),
    logEnd: r.end,
    delivered: r.delivered,
    subscriberRestarts: r.resumes.length,
    badResumes,
    seconds: Math.round((Date.now() - started) / 1000),
  }),
);
process.exit(r.check.ok && badResumes.length === 0 ? 0 : 1);
