/**
 * What the host says about a bench's processes and disk (Linux /proc and /sys; NaN elsewhere):
 * the disk's raw write+fsync rate, CPU time and write system calls of a process. Shared by the
 * TCP bench and the etcd reference, so both rows read the disk and the CPU the same way.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Raw write+fsync of 100 bytes per call, for one second, in a directory on the same file system
 * as the nodes' data. One call at a time, so it measures latency, the process's wake-up after
 * each fsync included: beside CPU-bound processes it reports the scheduler, not the disk (here:
 * 300-800/s, niced or not, while three CPU-bound processes ran on the two cores, against
 * 3,200-3,900/s on a calmer machine), and the ratio row is then meaningless. Read the ratio from
 * a run where this row is in its calm range.
 */
export function rawFsyncPerSecond(): { rate: number; cpuUs: number; diskBusy: number } {
  const dir = mkdtempSync(join(tmpdir(), "faultline-fsync-"));
  const fd = openSync(join(dir, "probe"), "w");
  const bytes = Buffer.alloc(100, 1);
  let n = 0;
  const busyBefore = diskBusyMs(dir);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - start) < 1e9) {
    writeSync(fd, bytes);
    fsyncSync(fd);
    n++;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  const diskBusy = (diskBusyMs(dir) - busyBefore) / ms;
  closeSync(fd);
  rmSync(dir, { recursive: true });
  return { rate: n / (ms / 1e3), cpuUs: (used.user + used.system) / n, diskBusy };
}

/**
 * Milliseconds the block device holding `path` has been busy (io_ticks of /sys/dev/block/<dev>/stat,
 * Linux; NaN elsewhere). Over the raw probe it says whether the probe waited on the disk or on the
 * CPU: fsync waits for the journal's kernel thread, which a loaded machine schedules late.
 */
function diskBusyMs(path: string): number {
  try {
    const dev = statSync(path).dev;
    const major = (dev >> 8) & 0xfff;
    const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    return Number(readFileSync(`/sys/dev/block/${major}:${minor}/stat`, "utf8").trim().split(/\s+/)[9]);
  } catch {
    return Number.NaN;
  }
}

/** CPU time (user + system, ms) a process used so far, from /proc (Linux); NaN elsewhere. */
export function cpuMsOf(pid: number | undefined): number {
  const { user, system } = cpuSplitOf(pid);
  return user + system;
}

/** User and system CPU time (ms) a process used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSplitOf(pid: number | undefined, path = `${pid}`): { user: number; system: number } {
  try {
    const fields = readFileSync(`/proc/${path}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 }; // clock ticks of 10 ms
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}

/**
 * CPU time (user + system, ms) of a process's main thread (its JavaScript, and the fsyncs it makes
 * inline), from /proc (Linux); NaN elsewhere. The rest of the process's time is its other threads:
 * libuv's pool (a loaded leader's batch fsyncs) and V8's workers (GC, compilation).
 */
export function mainThreadCpuMsOf(pid: number | undefined): number {
  const { user, system } = cpuSplitOf(pid, `${pid}/task/${pid}`);
  return user + system;
}

/** Write system calls (write, writev: sockets and files) a process made so far, from /proc (Linux); NaN elsewhere. */
export function writeCallsOf(pid: number | undefined): number {
  try {
    return Number(/^syscw: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}
