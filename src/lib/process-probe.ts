import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";

/** Where a process runs and which process it is, as far as another process on the same host can tell. */
export interface ProcessIdentity {
  /**
   * Hostname, boot id and pid namespace (Linux). Two processes with the same host see the same
   * pids, so one can ask the OS whether the other still runs; elsewhere only heartbeats tell.
   */
  host: string;
  pid: number;
  /** The OS's start time of the pid (Linux, clock ticks since boot): a reused pid has another. Null elsewhere. */
  processStart: string | null;
}

/** Asks the OS about processes of this host. */
export interface ProcessProbe {
  self(): ProcessIdentity;
  /** Whether the process `pid` that started at `processStart` still runs on this host. */
  isRunning(pid: number, processStart: string | null): boolean;
}

export const osProcessProbe: ProcessProbe = {
  self: () => ({
    host: [
      hostname(),
      readOrEmpty(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim()),
      readOrEmpty(() => readlinkSync("/proc/self/ns/pid")),
    ]
      .filter(Boolean)
      .join("#"),
    pid: process.pid,
    processStart: startMarkOf(process.pid),
  }),
  isRunning(pid, processStart) {
    if (processStart !== null) return startMarkOf(pid) === processStart;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it runs, as another user.
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  },
};

/** Field 22 of /proc/<pid>/stat (start time after boot); null without /proc or for a pid that is gone. */
function startMarkOf(pid: number): string | null {
  const stat = readOrEmpty(() => readFileSync(`/proc/${pid}/stat`, "utf8"));
  if (!stat) return null;
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
}

function readOrEmpty(read: () => string): string {
  try {
    return read();
  } catch {
    return "";
  }
}
