import { readdirSync, readFileSync } from "node:fs";

// CPU time of the processes a measurement involves, from /proc (Linux), so that the benchmark
// can say what a webhook or a delivery costs in CPU, and what two CPUs can therefore carry.

const ticksPerSecond = 100; // USER_HZ: 100 on every Linux the benchmark targets.

interface ProcStat {
  readonly ppid: number;
  /** utime + stime of the process itself, seconds. */
  readonly own: number;
  /** cutime + cstime: children it has waited for (PostgreSQL's exited backends). */
  readonly reaped: number;
}

function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // gone
  }
  // The command may contain spaces and parentheses: fields start after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const n = (i: number) => Number(fields[i - 3]);
  return {
    ppid: n(4),
    own: (n(14) + n(15)) / ticksPerSecond,
    reaped: (n(16) + n(17)) / ticksPerSecond,
  };
}

/** CPU seconds a process has used so far (its own, not its children's). */
export function processCpuSeconds(pid: number | undefined): number {
  return pid === undefined ? 0 : (procStat(pid)?.own ?? 0);
}

/**
 * CPU seconds the whole PostgreSQL server has used so far: the postmaster, its live children
 * (backends, checkpointer, WAL writer…) and the children it has already reaped.
 */
export function postgresCpuSeconds(postmasterPid: number | undefined): number {
  const postmaster = postmasterPid === undefined ? undefined : procStat(postmasterPid);
  if (!postmaster) return 0;
  let total = postmaster.own + postmaster.reaped;
  for (const entry of readdirPids()) {
    const stat = procStat(entry);
    if (stat && stat.ppid === postmasterPid) total += stat.own;
  }
  return total;
}

/**
 * The machine's busy CPU seconds (every process, and time stolen by the hypervisor) and its
 * elapsed CPU seconds (busy + idle + I/O wait), from /proc/stat's first line.
 */
function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  // cpu user nice system idle iowait irq softirq steal (guest time is already in user)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number) as [number, number, number, number, number, number, number, number];
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / ticksPerSecond, total: (busy + idle + iowait) / ticksPerSecond };
}

/** The share of the machine's CPU time that was busy between `start()` and the returned call. */
export function machineBusyMeter(): () => number {
  const before = machineCpuSeconds();
  return () => {
    const after = machineCpuSeconds();
    const total = after.total - before.total;
    return total > 0 ? (after.busy - before.busy) / total : 0;
  };
}

function readdirPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The postmaster of the server `backendPid` (from `pg_backend_pid()`) belongs to, if local. */
export function postmasterOf(backendPid: number): number | undefined {
  return procStat(backendPid)?.ppid;
}

/** CPU seconds used by a set of processes between `start()` and `stop()`. */
export function cpuMeter(read: () => Record<string, number>) {
  const before = read();
  return () => {
    const after = read();
    const used: Record<string, number> = {};
    for (const [name, value] of Object.entries(after)) used[name] = value - (before[name] ?? 0);
    return used;
  };
}

/** CPU seconds this process (the benchmark: receiver, load loops, polling) has used so far. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export interface CpuCost {
  /** CPU milliseconds per unit (job, reply, webhook, commit), by process. */
  readonly msPerUnit: Record<string, number>;
  /** What the machine's CPUs could carry if nothing else ran: cores ÷ CPU seconds per unit. */
  readonly boundPerSecond: number;
}

export function cpuCost(used: Record<string, number>, units: number, cores: number): CpuCost {
  const msPerUnit: Record<string, number> = {};
  let total = 0;
  for (const [name, seconds] of Object.entries(used)) {
    msPerUnit[name] = Math.round((seconds * 1000 * 1000) / units) / 1000;
    total += seconds / units;
  }
  return { msPerUnit, boundPerSecond: total > 0 ? Math.round(cores / total) : 0 };
}
