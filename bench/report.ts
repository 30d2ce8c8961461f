import type { CpuCost } from "./cpuTime.ts";
import type { CommitCeiling } from "./measureCommit.ts";
import type { GrowthResult } from "./measureGrowth.ts";
import type { IngestResult, LatencyResult } from "./measureIngest.ts";
import type { SendFloor } from "./measureSend.ts";
import type { WorkerRun } from "./measureWorker.ts";

export interface BenchResults {
  readonly when: string;
  readonly command: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGb: number;
    readonly postgres: string;
    readonly database: string;
    readonly sharedBuffers: string;
    readonly node: string;
    readonly loadAverageBefore: number[];
    readonly loadAverageAfter: number[];
  };
  readonly options: Record<string, unknown>;
  readonly ceiling: WorkerRun;
  readonly delivery: WorkerRun;
  readonly r1: number;
  /** The webhook adapter alone, no database: the delivery path's bound. */
  readonly sendFloor: SendFloor;
  readonly commit: CommitCeiling;
  readonly ingest: IngestResult;
  readonly r2: number;
  /** The load generator against a trivial node:http server: the machine's HTTP bound. */
  readonly httpFloor: { readonly perSecond: number; readonly httpP50Ms: number };
  readonly latency: LatencyResult;
  /** The same at a quarter of the rate: the path's latency on an unsaturated machine. */
  readonly latencyLight: LatencyResult;
  readonly growth: GrowthResult;
  readonly memory: {
    readonly appPeakRssMb: number | undefined;
    readonly workerPeakRssMb: number | undefined;
  };
  readonly wallSeconds: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** "worker 0.4 + postgres 0.3 ms" and what the CPUs could carry at that cost. */
function cpuRow(
  label: string,
  cpu: CpuCost,
  unit: string,
  units: string,
): [string, string, string] {
  const parts = Object.entries(cpu.msPerUnit).map(([name, ms]) => `${name} ${ms}`);
  const total = Object.values(cpu.msPerUnit).reduce((sum, ms) => sum + ms, 0);
  return [
    label,
    `${round2(total)} ms/${unit}`,
    `${parts.join(" + ")} ms; all CPUs busy with nothing else: at most ${cpu.boundPerSecond} ${units}/s`,
  ];
}
const goal = (ok: boolean) => (ok ? "met" : "NOT met");

const cpuMs = (cost: CpuCost) => Object.values(cost.msPerUnit).reduce((sum, ms) => sum + ms, 0);

/** The share of the machine's CPUs a webhook rate needs: each webhook is ingested and delivered. */
const cpuShare = (r: BenchResults, rate: number) =>
  (rate * (cpuMs(r.ingest.cpu) + cpuMs(r.delivery.cpu))) / 1000 / r.machine.cpus;

/** The results as a Markdown table (printed, and pasted into BENCHMARKS.md). */
export function formatTable(r: BenchResults): string {
  const g = r.growth;
  const rows: [string, string, string][] = [
    [
      "1. engine ceiling (no-op sendOutbound)",
      `${r.ceiling.perSecond} jobs/s`,
      `${r.ceiling.jobs} jobs, ${r.ceiling.roundTripsPerJob} round trips/job`,
    ],
    [
      "2. delivery (10 tenants, fake provider)",
      `${r.delivery.perSecond} replies/s`,
      `${r.delivery.jobs} replies, ${r.delivery.roundTripsPerJob} round trips/reply`,
    ],
    ["R1 = delivery ÷ ceiling", `${r.r1}`, `goal ≥ 0.5: ${goal(r.r1 >= 0.5)}`],
    cpuRow("1. CPU per no-op job", r.ceiling.cpu, "job", "jobs"),
    cpuRow("2. CPU per delivered reply", r.delivery.cpu, "reply", "replies"),
    [
      "2. send bound: webhook adapter alone",
      `${r.sendFloor.perSecond} sends/s`,
      `${r.sendFloor.concurrency} in flight, no database: delivery is ${round2(r.delivery.perSecond / r.sendFloor.perSecond)} of it`,
    ],
    [
      "3. commit ceiling (node, pg driver)",
      `${r.commit.nodePerSecond} tx/s`,
      `C=${r.commit.concurrency}, ${r.commit.seconds} s`,
    ],
    cpuRow("3. CPU per committed insert", r.commit.cpu, "commit", "commits"),
    [
      "3. commit ceiling (pgbench)",
      r.commit.pgbenchPerSecond === undefined ? "-" : `${r.commit.pgbenchPerSecond} tx/s`,
      r.commit.pgbenchNote,
    ],
    [
      "4. ingest (signed webhooks, echo agent)",
      `${r.ingest.perSecond} webhooks/s`,
      `C=${r.commit.concurrency}; HTTP p50 ${r.ingest.httpP50Ms} ms, p99 ${r.ingest.httpP99Ms} ms; ${r.ingest.recordedAndEnqueued}/${r.ingest.accepted} recorded+enqueued`,
    ],
    ["R2 = ingest ÷ commit ceiling", `${r.r2}`, `goal ≥ 0.4: ${goal(r.r2 >= 0.4)}`],
    cpuRow("4. CPU per webhook", r.ingest.cpu, "webhook", "webhooks"),
    [
      "4. HTTP bound: trivial node:http server",
      `${r.httpFloor.perSecond} requests/s`,
      `same load generator and C, no database: ingest is ${round2(r.ingest.perSecond / r.httpFloor.perSecond)} of it`,
    ],
    [
      "4. Express bound: Valinor's app, no database work",
      `${r.ingest.expressBound.perSecond} requests/s`,
      `same load, route and middleware, answered 404 before signature and database (HTTP p50 ${r.ingest.expressBound.httpP50Ms} ms): ${round2(r.ingest.expressBound.perSecond / r.httpFloor.perSecond)} of node:http; ingest is ${round2(r.ingest.perSecond / r.ingest.expressBound.perSecond)} of it`,
    ],
    [
      `5. latency ${r.latency.rate}/s, 200 answer → reply received, p50`,
      `${r.latency.p50Ms} ms`,
      `goal ≤ 10 ms: ${goal((r.latency.p50Ms ?? Infinity) <= 10)}; at ${r.latency.rate}/s for ${r.latency.seconds} s after ${r.latency.warmupSeconds} s of warm-up; machine CPU busy ${r.latency.machineBusy}`,
    ],
    [
      `5. CPU that ${r.latency.rate}/s needs`,
      `${round2(cpuShare(r, r.latency.rate))} of the machine`,
      `at the costs measured in 2 and 4 (${round2(cpuMs(r.ingest.cpu))} ms per webhook + ${round2(cpuMs(r.delivery.cpu))} ms per reply) on ${r.machine.cpus} CPUs; ${r.latencyLight.rate}/s needs ${round2(cpuShare(r, r.latencyLight.rate))}`,
    ],
    [
      "5. latency p90 / p99 / max",
      `${r.latency.p90Ms} / ${r.latency.p99Ms} / ${r.latency.maxMs} ms`,
      `p99 goal ≤ 50 ms: ${goal((r.latency.p99Ms ?? Infinity) <= 50)}; ${r.latency.delivered}/${r.latency.accepted} delivered; over 50 ms by second of the run: ${JSON.stringify(r.latency.slowBySecond)}`,
    ],
    [
      `5. latency at ${r.latencyLight.rate}/s (¼ rate), p50 / p90 / p99`,
      `${r.latencyLight.p50Ms} / ${r.latencyLight.p90Ms} / ${r.latencyLight.p99Ms} ms`,
      `reference: the same path on an unsaturated machine; ${r.latencyLight.delivered}/${r.latencyLight.accepted} delivered; machine CPU busy ${r.latencyLight.machineBusy}`,
    ],
    [
      "6. delivery, no history",
      `${g.empty.delivery.perSecond} replies/s`,
      `claim p50/p99 ${g.empty.claim.claimP50Ms}/${g.empty.claim.claimP99Ms} ms; mark sent ${g.empty.claim.markSentP50Ms}/${g.empty.claim.markSentP99Ms} ms`,
    ],
    [
      `6. delivery, ${g.grown.historyRows} sent rows`,
      `${g.grown.delivery.perSecond} replies/s`,
      `claim p50/p99 ${g.grown.claim.claimP50Ms}/${g.grown.claim.claimP99Ms} ms; mark sent ${g.grown.claim.markSentP50Ms}/${g.grown.claim.markSentP99Ms} ms; outbox ${g.grown.outboxTableMb} MB`,
    ],
    [
      "6. grown ÷ empty delivery rate",
      `${g.deliveryRatio}`,
      `goal ≥ 0.9: ${goal(g.deliveryRatio >= 0.9)}; CPU per reply ${round2(cpuMs(g.empty.delivery.cpu))} → ${round2(cpuMs(g.grown.delivery.cpu))} ms (postgres ${g.empty.delivery.cpu.msPerUnit.postgres} → ${g.grown.delivery.cpu.msPerUnit.postgres}); shared_buffers ${r.machine.sharedBuffers}`,
    ],
    [
      "6. retention (retainOutbox)",
      `${g.retention.rowsPerSecond} rows/s`,
      `${g.retention.deleted} sent rows (+ attempts) in ${g.retention.seconds} s, batches of ${g.retention.batchSize}`,
    ],
    [
      "7. peak RSS, app (api-only)",
      `${r.memory.appPeakRssMb} MB`,
      `goal ≤ 150 MB: ${goal((r.memory.appPeakRssMb ?? Infinity) <= 150)}`,
    ],
    [
      "7. peak RSS, worker",
      `${r.memory.workerPeakRssMb} MB`,
      `goal ≤ 150 MB: ${goal((r.memory.workerPeakRssMb ?? Infinity) <= 150)}`,
    ],
  ];
  const lines = [
    `${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB; ${r.machine.postgres} (${r.machine.database}); Node ${r.machine.node}; load average ${r.machine.loadAverageBefore.join(" ")} before, ${r.machine.loadAverageAfter.join(" ")} after`,
    "",
    "| measure | result | notes |",
    "|---|---|---|",
    ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
  ];
  return lines.join("\n");
}
