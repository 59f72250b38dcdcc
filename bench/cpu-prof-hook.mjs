/**
 * Preloaded into a process (`NODE_OPTIONS=--import <this file>`, which Node 20 allows where it
 * refuses `--cpu-prof`): profiles its CPU from start to exit and writes `<pid>.cpuprofile` into
 * `FAULTLINE_PROF_DIR`, for `FAULTLINE_TCP_NODE_PROF` in `tcp.ts`. Open it in Chrome's DevTools.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

const dir = process.env.FAULTLINE_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 200 });
  session.post("Profiler.start");
  // A same-thread session answers synchronously, so this works in an exit handler.
  process.on("exit", () => session.post("Profiler.stop", (err, res) => err || writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(res.profile))));
}
