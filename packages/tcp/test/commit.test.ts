/** Group commit: the records of many steps reach the log in step order, each run of records in one write. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DurableLog, readLog } from "@faultline/tcp";
import { GroupCommit, type DurableOp } from "../src/commit.js";
import { recordBody } from "../src/record.js";

/** A fresh log whose `writeBodies` calls are counted (each is one write system call). */
function countedLog(): { dir: string; log: DurableLog; writes: number[] } {
  const dir = join(mkdtempSync(join(tmpdir(), "faultline-commit-")), "node");
  const log = new DurableLog(dir);
  log.open();
  const writes: number[] = [];
  const write = log.writeBodies.bind(log);
  log.writeBodies = (bodies) => {
    writes.push(bodies.length);
    write(bodies);
  };
  return { dir, log, writes };
}

const records = (...values: unknown[]): DurableOp => ({ kind: "records", bodies: values.map(recordBody) });

describe("group commit", () => {
  it("writes the records of the steps of one batch with one call, in step order", async () => {
    const { dir, log, writes } = countedLog();
    const commit = new GroupCommit(log, (err) => expect.fail(err.message));
    commit.stage([records({ n: 1 })]);
    commit.stage([records({ n: 2 }, { n: 3 })]);
    commit.stage([records({ n: 4 })]);
    await commit.drain();
    expect(writes).toEqual([4]);
    log.close();
    expect(readLog(dir)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it("a compaction splits the runs: the records before it, it, then the records after it", async () => {
    const { dir, log, writes } = countedLog();
    const commit = new GroupCommit(log, (err) => expect.fail(err.message));
    commit.stage([records({ n: 1 })]);
    commit.stage([records({ n: 2 }), { kind: "compact", body: recordBody({ snapshot: 2 }) }]);
    commit.stage([records({ n: 3 })]);
    await commit.drain();
    expect(writes).toEqual([2, 1]);
    log.close();
    expect(readLog(dir)).toEqual([{ snapshot: 2 }, { n: 3 }]);
  });

  it("a lone step's batch is synced on the event loop, unless the node says it must not block (clients waiting): then on the thread pool", async () => {
    for (const mayBlock of [true, false]) {
      const { log } = countedLog();
      const calls: string[] = [];
      const sync = log.sync.bind(log);
      const syncNow = log.syncNow.bind(log);
      log.sync = (done) => (calls.push("sync"), sync(done));
      log.syncNow = () => (calls.push("syncNow"), syncNow());
      const commit = new GroupCommit(log, (err) => expect.fail(err.message), undefined, () => mayBlock);
      commit.stage([records({ n: 1 })]);
      await commit.drain();
      expect(calls).toEqual([mayBlock ? "syncNow" : "sync"]);
      log.close();
    }
  });
});
