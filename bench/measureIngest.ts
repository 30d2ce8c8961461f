import { cpus } from "node:os";
import { freePort } from "../test/helpers/provisionPostgres.ts";
import type { BenchDatabase } from "./benchDatabase.ts";
import type { BenchTenant } from "./benchFixtures.ts";
import {
  type BenchChild,
  type Env,
  forkBenchScript,
  type NodeLaunch,
  peakRssMb,
  spawnApp,
  stopChild,
} from "./childProcesses.ts";
import {
  type CpuCost,
  cpuCost,
  cpuMeter,
  machineBusyMeter,
  postgresCpuSeconds,
  processCpuSeconds,
} from "./cpuTime.ts";
import type { ReplyReceiver } from "./replyReceiver.ts";
import { percentile, round } from "./stats.ts";

export interface BenchApp {
  readonly url: string;
  readonly pid: number | undefined;
  peakRssMb(): number | undefined;
  stop(): Promise<void>;
}

interface LoadResult extends Record<string, unknown> {
  type: string;
  sent: number;
  ok: number;
  statuses: Record<string, number>;
  seconds: number;
  httpP50Ms: number;
  httpP99Ms: number;
  answers: [string, number][];
}

/**
 * `npm run serve`'s command against the bench database; resolves once /healthz answers.
 * `launch` replaces the script's variables and Node flags (bench/compareNodeFlags.ts).
 */
export async function startBenchApp(
  db: BenchDatabase,
  env: Env,
  launch?: NodeLaunch,
): Promise<BenchApp> {
  const port = await freePort();
  const app = spawnApp(
    {
      ...env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: db.ownerUrl,
      APP_DATABASE_URL: db.appUrl,
    },
    launch,
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (app.exitCode !== null || Date.now() > deadline) {
      await stopChild(app);
      throw new Error(`the app did not start:\n${app.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    pid: app.pid,
    peakRssMb: () => peakRssMb(app.pid),
    stop: () => stopChild(app),
  };
}

async function startLoad(): Promise<BenchChild> {
  const load = forkBenchScript("./loadGenerator.ts", {});
  await load.next("ready");
  return load;
}

function runLoad(load: BenchChild, request: Record<string, unknown>, seconds: number) {
  load.send({ type: "run", ...request, seconds });
  return load.next<LoadResult>("done", seconds * 1000 + 120_000);
}

export interface IngestResult {
  readonly perSecond: number;
  readonly accepted: number;
  readonly statuses: Record<string, number>;
  readonly httpP50Ms: number;
  readonly httpP99Ms: number;
  /** Accepted webhooks whose message is `executed` with one reply row in the outbox. */
  readonly recordedAndEnqueued: number;
  /** The same load against the same app with no database work: Express's share of the gap. */
  readonly expressBound: ExpressBound;
  /** CPU per accepted webhook: the app, PostgreSQL, the load generator. */
  readonly cpu: CpuCost;
}

export interface ExpressBound {
  readonly perSecond: number;
  readonly httpP50Ms: number;
  readonly httpP99Ms: number;
}

/**
 * A link id that is not a uuid: the request passes Express, the request id, pino-http, the
 * metrics middleware, the content-type check and the raw-body read of the webhook route, and
 * the handler answers 404 before verifying a signature or touching the database.
 */
const noDatabaseLinkId = "bench-no-database";

/**
 * Closed loop: C concurrent senders for `seconds`, every answer awaited before the next send;
 * then the same load on the app's no-database path (`expressBound`).
 */
export async function measureIngest(
  db: BenchDatabase,
  app: BenchApp,
  tenants: readonly BenchTenant[],
  concurrency: number,
  seconds: number,
): Promise<IngestResult> {
  const load = await startLoad();
  try {
    const links = tenants.map(({ linkId, secret }) => ({ linkId, secret }));
    const cpuUsed = cpuMeter(() => ({
      app: processCpuSeconds(app.pid),
      postgres: postgresCpuSeconds(db.postmasterPid),
      "load generator": processCpuSeconds(load.child.pid),
    }));
    const result = await runLoad(
      load,
      { baseUrl: app.url, links, mode: "closed", concurrency, rate: 0, prefix: "ingest " },
      seconds,
    );
    const used = cpuUsed();
    const { rows } = await db.admin.query<{ n: number }>(
      `select count(*)::int as n from channel_messages m
       join channel_outbox o on o.channel_message_id = m.id
       where m.status = 'executed' and m.text like 'ingest %'`,
    );
    const bound = await runLoad(
      load,
      {
        baseUrl: app.url,
        links: links.map(({ secret }) => ({ linkId: noDatabaseLinkId, secret })),
        mode: "closed",
        concurrency,
        rate: 0,
        prefix: "express ",
      },
      seconds,
    );
    const answered = bound.statuses["404"] ?? 0;
    if (answered !== bound.sent) {
      throw new Error(`express bound: expected only 404s, got ${JSON.stringify(bound.statuses)}`);
    }
    return {
      perSecond: Math.round(result.ok / result.seconds),
      accepted: result.ok,
      statuses: result.statuses,
      httpP50Ms: round(result.httpP50Ms, 2),
      httpP99Ms: round(result.httpP99Ms, 2),
      recordedAndEnqueued: rows[0]!.n,
      cpu: cpuCost(used, result.ok, cpus().length),
      expressBound: {
        perSecond: Math.round(answered / bound.seconds),
        httpP50Ms: round(bound.httpP50Ms, 2),
        httpP99Ms: round(bound.httpP99Ms, 2),
      },
    };
  } finally {
    await stopChild(load.child);
  }
}

export interface LatencyResult {
  readonly rate: number;
  readonly seconds: number;
  readonly accepted: number;
  readonly delivered: number;
  readonly p50Ms: number | undefined;
  readonly p90Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly maxMs: number | undefined;
  readonly httpP50Ms: number;
  readonly httpP99Ms: number;
  /** Seconds at the same rate before the measured run, not counted (connections, JIT). */
  readonly warmupSeconds: number;
  /** Share of the machine's CPU time busy during the measured run (all processes, steal). */
  readonly machineBusy: number;
  /**
   * Replies slower than the p99 goal by the second of the run they were answered in: clustered
   * in a few seconds means a stall, spread out means steady contention.
   */
  readonly slowBySecond: Record<string, number>;
}

/** The echo agent's reply texts for a load run's accepted webhooks. */
const replyTexts = (run: LoadResult) => run.answers.map(([text]) => `echo: ${text}`);

/** The latency goal's p99 bound; slower replies are counted by second (`slowBySecond`). */
export const slowMs = 50;

/**
 * Open loop at `rate` webhooks/s with a worker running: for each accepted webhook, the time
 * from its 200 answer (load generator's clock) to the fake provider receiving its reply.
 * A warm-up at the same rate (a sixth of the run, at least 1 s) comes first and is not
 * counted: pools open their connections and V8 compiles the hot path there.
 */
export async function measureLatency(
  app: BenchApp,
  tenants: readonly BenchTenant[],
  receiver: ReplyReceiver,
  rate: number,
  seconds: number,
): Promise<LatencyResult> {
  const load = await startLoad();
  try {
    const links = tenants.map(({ linkId, secret }) => ({ linkId, secret }));
    const warmupSeconds = Math.max(1, Math.round(seconds / 6));
    const warmup = await runLoad(
      load,
      { baseUrl: app.url, links, mode: "open", concurrency: 0, rate, prefix: "warm-up " },
      warmupSeconds,
    );
    // Every warm-up reply (requests still in flight at its end included) is in before the run.
    await receiver.waitForTexts(replyTexts(warmup), 60_000).catch(() => undefined);
    receiver.reset();
    const busy = machineBusyMeter();
    const result = await runLoad(
      load,
      { baseUrl: app.url, links, mode: "open", concurrency: 0, rate, prefix: "latency " },
      seconds,
    );
    const machineBusy = busy();
    await receiver.waitForTexts(replyTexts(result), 60_000).catch(() => undefined);
    const latencies: number[] = [];
    const firstAnswer = Math.min(...result.answers.map(([, answeredAt]) => answeredAt));
    const slowBySecond: Record<string, number> = {};
    for (const [text, answeredAt] of result.answers) {
      const at = receiver.receivedAt(`echo: ${text}`);
      if (at === undefined) continue;
      latencies.push(at - answeredAt);
      if (at - answeredAt > slowMs) {
        const second = String(Math.floor((answeredAt - firstAnswer) / 1000));
        slowBySecond[second] = (slowBySecond[second] ?? 0) + 1;
      }
    }
    const ms = (q: number) => {
      const value = percentile(latencies, q);
      return value === undefined ? undefined : round(value, 2);
    };
    return {
      rate,
      seconds: round(result.seconds, 2),
      accepted: result.ok,
      delivered: latencies.length,
      p50Ms: ms(0.5),
      p90Ms: ms(0.9),
      p99Ms: ms(0.99),
      maxMs: ms(1),
      httpP50Ms: round(result.httpP50Ms, 2),
      httpP99Ms: round(result.httpP99Ms, 2),
      warmupSeconds,
      machineBusy: round(machineBusy, 2),
      slowBySecond,
    };
  } finally {
    await stopChild(load.child);
  }
}

/**
 * The same closed loop against a trivial node:http server (the fake provider, which answers
 * at once): what this machine serves over HTTP at all, with no database and no framework.
 */
export async function measureHttpFloor(
  receiver: ReplyReceiver,
  tenants: readonly BenchTenant[],
  concurrency: number,
  seconds: number,
): Promise<{ perSecond: number; httpP50Ms: number }> {
  const load = await startLoad();
  try {
    const links = tenants.map(({ linkId, secret }) => ({ linkId, secret }));
    const result = await runLoad(
      load,
      { baseUrl: receiver.url, links, mode: "closed", concurrency, rate: 0, prefix: "http " },
      seconds,
    );
    receiver.reset();
    return {
      perSecond: Math.round(result.ok / result.seconds),
      httpP50Ms: round(result.httpP50Ms, 2),
    };
  } finally {
    await stopChild(load.child);
  }
}
