// What a bench child's peak RSS is made of. Preloaded with
// BENCH_CHILD_NODE_OPTIONS="--import ./bench/memorySampler.ts" and BENCH_MEMORY_DIR=<dir>: samples
// process.memoryUsage() every 20 ms, keeps V8's heap spaces at the highest RSS, counts collections
// (and the heap left after each mark-compact: the live heap), and at exit sorts the resident
// memory by mapping (Node's binary, V8's heap pages, malloc's main and per-thread arenas, JIT
// code); writes <dir>/<pid>.json. See bench/compareNodeFlags.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";

const dir = process.env.BENCH_MEMORY_DIR;
const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;

/** Resident MB by kind of mapping, from /proc/self/smaps. */
function residentByMapping(): Record<string, number> {
  const maps: { start: number; end: number; perm: string; name: string; rssKb: number }[] = [];
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const [, start, end, perm, name] = head;
      maps.push({
        start: Number.parseInt(start!, 16),
        end: Number.parseInt(end!, 16),
        perm: perm!,
        name: name!,
        rssKb: 0,
      });
    } else if (line.startsWith("Rss:") && maps.length > 0) {
      maps[maps.length - 1]!.rssKb = Number(/\d+/.exec(line)![0]);
    }
  }
  const arena = 64 * 1024 * 1024;
  const kinds: Record<string, number> = {};
  maps.forEach((m, i) => {
    const next = maps[i + 1];
    let kind: string;
    if (m.name === "[heap]") kind = "malloc main arena";
    else if (m.name.includes("/bin/node")) kind = "node binary";
    else if (m.name) kind = "other files";
    // glibc's per-thread arenas: 64 MB aligned reservations, the unused rest mapped ---p.
    else if (m.start % arena === 0 && next?.start === m.end && next.end - m.start === arena) {
      kind = "malloc thread arenas";
    } else if (m.end - m.start === 256 * 1024) kind = "V8 heap pages";
    else if (m.perm.includes("x")) kind = "JIT code";
    else kind = "other anonymous";
    kinds[kind] = (kinds[kind] ?? 0) + m.rssKb;
  });
  return Object.fromEntries(
    Object.entries(kinds).map(([kind, kb]) => [kind, Math.round(kb / 102.4) / 10]),
  );
}

if (dir) {
  let peak: Record<string, unknown> | undefined;
  let peakRss = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    if (usage.rss <= peakRss + 1_048_576) return;
    peakRss = usage.rss;
    const spaces: Record<string, number> = {};
    for (const space of getHeapSpaceStatistics()) {
      if (space.space_size > 0) spaces[space.space_name] = mb(space.space_size);
    }
    const heap = getHeapStatistics();
    peak = {
      atMs: Math.round(performance.now()),
      usage: Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, mb(v)])),
      spaces,
      v8MallocedPeakMb: mb(heap.peak_malloced_memory),
    };
  };
  setInterval(sample, 20).unref();

  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: "scavenge",
    [constants.NODE_PERFORMANCE_GC_MAJOR]: "markCompact",
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakCallbacks",
  };
  const gc: Record<string, { count: number; ms: number }> = {};
  let liveAfterMarkCompactMb = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as { detail?: { kind?: number } }).detail;
      const kind = kinds[detail?.kind ?? -1] ?? "other";
      const totals = gc[kind] ?? { count: 0, ms: 0 };
      gc[kind] = totals;
      totals.count += 1;
      totals.ms += entry.duration;
      if (kind === "markCompact") {
        liveAfterMarkCompactMb = Math.max(
          liveAfterMarkCompactMb,
          mb(process.memoryUsage().heapUsed),
        );
      }
    }
  }).observe({ entryTypes: ["gc"] });

  process.on("exit", () => {
    sample();
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    const report = {
      pid: process.pid,
      script: process.argv[1],
      execArgv: process.execArgv,
      heapSizeLimitMb: mb(getHeapStatistics().heap_size_limit),
      peakRssMb: hwm ? Math.round(Number(hwm[1]) / 102.4) / 10 : undefined,
      peak,
      maxLiveAfterMarkCompactMb: liveAfterMarkCompactMb,
      gc: Object.fromEntries(
        Object.entries(gc).map(([k, v]) => [k, { count: v.count, ms: Math.round(v.ms) }]),
      ),
      residentAtExitMb: residentByMapping(),
    };
    writeFileSync(`${dir}/${process.pid}.json`, `${JSON.stringify(report, null, 2)}\n`);
  });
}
