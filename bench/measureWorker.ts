import { cpus } from "node:os";
import type { BenchDatabase } from "./benchDatabase.ts";
import {
  type Env,
  forkBenchScript,
  type NodeLaunch,
  nodeScript,
  peakRssMb,
  stopChild,
} from "./childProcesses.ts";
import {
  type CpuCost,
  cpuCost,
  cpuMeter,
  ownCpuSeconds,
  postgresCpuSeconds,
  processCpuSeconds,
} from "./cpuTime.ts";
import { round } from "./stats.ts";

export interface WorkerRun {
  readonly jobs: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Statements the worker process sent per job, by kind (graphile-worker's and Valinor's). */
  readonly queriesPerJob: Record<string, number>;
  readonly roundTripsPerJob: number;
  readonly peakRssMb: number | undefined;
  /** CPU per job: the worker, PostgreSQL, and the benchmark process (the fake provider). */
  readonly cpu: CpuCost;
}

const now = () => performance.timeOrigin + performance.now();

/** The variables and Node flags of `npm run worker`: the bench's worker processes get the same. */
export const workerLaunch = (): NodeLaunch => nodeScript("worker");

/**
 * Starts a worker process (bench/workerProcess.ts) over `jobs` pre-queued jobs and times it
 * from its first job start to the moment graphile-worker's queue is empty (every job
 * completed, batched completions included).
 */
export async function measureWorkerRun(
  db: BenchDatabase,
  env: Env,
  mode: "noop" | "valinor",
  jobs: number,
  launch: NodeLaunch = workerLaunch(),
): Promise<WorkerRun> {
  const queued = await jobCount(db);
  if (queued !== jobs) throw new Error(`expected ${jobs} queued jobs, found ${queued}`);
  const worker = forkBenchScript(
    "./workerProcess.ts",
    { ...env, DATABASE_URL: db.ownerUrl, BENCH_WORKER_MODE: mode },
    launch,
  );
  try {
    await worker.next("ready");
    const cpuUsed = cpuMeter(() => ({
      worker: processCpuSeconds(worker.child.pid),
      postgres: postgresCpuSeconds(db.postmasterPid),
      "bench (receiver)": ownCpuSeconds(),
    }));
    // Both ends of the interval on this process's clock: the first job's start arrives over IPC.
    let firstStartAt: number | undefined;
    void worker.next<{ type: string; receivedAt: number }>("firstStart", 600_000).then(
      (message) => {
        firstStartAt = message.receivedAt;
      },
      () => undefined,
    );
    const deadline = Date.now() + 60_000 + jobs * 20;
    let doneAt: number;
    for (;;) {
      if (await queueEmpty(db)) {
        doneAt = now();
        break;
      }
      if (Date.now() > deadline) throw new Error(`worker did not finish ${jobs} jobs in time`);
      if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const used = cpuUsed();
    worker.send({ type: "stats" });
    const stats = await worker.next<{
      type: string;
      started: number;
      queries: Record<string, number>;
    }>("stats");
    const peak = peakRssMb(worker.child.pid);
    if (firstStartAt === undefined) throw new Error("the worker reported no job start");
    const seconds = (doneAt - firstStartAt) / 1000;
    const queriesPerJob: Record<string, number> = {};
    let roundTrips = 0;
    for (const [kind, count] of Object.entries(stats.queries)) {
      queriesPerJob[kind] = round(count / jobs, 3);
      roundTrips += count;
    }
    return {
      jobs,
      seconds: round(seconds, 3),
      perSecond: Math.round(jobs / seconds),
      queriesPerJob,
      roundTripsPerJob: round(roundTrips / jobs, 2),
      peakRssMb: peak,
      cpu: cpuCost(used, jobs, cpus().length),
    };
  } finally {
    worker.send({ type: "stop" });
    await worker.next("stopped", 30_000).catch(() => undefined);
    await stopChild(worker.child, "SIGTERM", 10_000);
  }
}

async function jobCount(db: BenchDatabase): Promise<number> {
  const { rows } = await db.admin.query<{ n: number }>(
    "select count(*)::int as n from graphile_worker._private_jobs",
  );
  return rows[0]!.n;
}

/**
 * Whether graphile-worker's queue is empty, polled every 10 ms while a run lasts: the first
 * job by primary key, an index-only scan that steps over the entries of finished jobs. (A
 * `count(*)` here read every live job 100 times a second, 20,000 of them at the start, and
 * its PostgreSQL CPU was charged to the run being measured.)
 */
async function queueEmpty(db: BenchDatabase): Promise<boolean> {
  const { rows } = await db.admin.query<{ empty: boolean }>(
    "select (select id from graphile_worker._private_jobs order by id limit 1) is null as empty",
  );
  return rows[0]!.empty;
}

/** A Valinor worker process left running (for the latency phase); stop() returns its peak RSS. */
export async function startWorker(db: BenchDatabase, env: Env, launch = workerLaunch()) {
  const worker = forkBenchScript(
    "./workerProcess.ts",
    { ...env, DATABASE_URL: db.ownerUrl, BENCH_WORKER_MODE: "valinor" },
    launch,
  );
  await worker.next("ready");
  return {
    async stop(): Promise<number | undefined> {
      const peak = peakRssMb(worker.child.pid);
      worker.send({ type: "stop" });
      await worker.next("stopped", 30_000).catch(() => undefined);
      await stopChild(worker.child, "SIGTERM", 10_000);
      return peak;
    },
  };
}
