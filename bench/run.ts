// `npm run bench`: Valinor's delivery and ingest rates beside the engine's and the machine's
// ceilings, the latency budget, cost as data grows, and memory, in one run. See BENCHMARKS.md.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname } from "node:path";
import { loadConfig } from "../src/config/config.ts";
import { makeSecretBox } from "../src/crypto/secretBox.ts";
import { openBenchDatabase } from "./benchDatabase.ts";
import { createBenchTenants, enqueueBenchReplies } from "./benchFixtures.ts";
import { parseBenchOptions } from "./benchOptions.ts";
import { measureCommitCeiling } from "./measureCommit.ts";
import { measureGrowth } from "./measureGrowth.ts";
import { measureHttpFloor, measureIngest, measureLatency, startBenchApp } from "./measureIngest.ts";
import { measureSendFloor } from "./measureSend.ts";
import { measureWorkerRun, startWorker } from "./measureWorker.ts";
import { startReplyReceiver } from "./replyReceiver.ts";
import { type BenchResults, formatTable } from "./report.ts";
import { runScript } from "./runScript.ts";
import { round } from "./stats.ts";

const log = (line: string) => console.log(line);

async function main() {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  const wallStarted = performance.now();
  const secretsKey = randomBytes(32).toString("base64");
  const env = { ...options.valinorEnv, SECRETS_KEY: secretsKey };
  const loadBefore = loadavg();
  log(
    `bench: ${options.quick ? "quick" : "full"} run, settings ${JSON.stringify(options.valinorEnv)}`,
  );

  const db = await openBenchDatabase(options.databaseUrl, options.sharedBuffers);
  const receiver = await startReplyReceiver();
  try {
    log(
      `database: ${db.source}, ${db.serverVersion.split(" on ")[0]}, shared_buffers ${db.sharedBuffers}`,
    );
    const tenants = await createBenchTenants(
      db.admin,
      makeSecretBox(secretsKey),
      options.tenants,
      receiver.url,
    );
    const enqueue = async (n: number) => {
      await enqueueBenchReplies(db, tenants, n);
      await db.admin.query("vacuum analyze");
    };

    log(`1. engine ceiling: no-op sendOutbound over ${options.jobs} queued jobs`);
    await enqueue(options.jobs);
    const ceiling = await measureWorkerRun(db, env, "noop", options.jobs);
    await db.resetWork();
    log(`   ${ceiling.perSecond} jobs/s`);

    log(`2. delivery: ${options.replies} replies over ${options.tenants} tenants`);
    await enqueue(options.replies);
    receiver.reset();
    const delivery = await measureWorkerRun(db, env, "valinor", options.replies);
    const { rows: sent } = await db.admin.query<{ n: number }>(
      "select count(*)::int as n from channel_outbox where status = 'sent'",
    );
    if (sent[0]!.n !== options.replies || receiver.count() < options.replies) {
      throw new Error(`delivery: ${sent[0]!.n} rows sent, ${receiver.count()} received`);
    }
    await db.resetWork();
    log(`   ${delivery.perSecond} replies/s`);
    // As many sends in flight as the worker can have: each slot sends a batch's conversations at once.
    const { worker: workerConfig, outbox: outboxConfig } = loadConfig(env);
    const sendConcurrency = workerConfig.concurrency * outboxConfig.claimBatchSize;
    const sendFloor = await measureSendFloor(receiver, options.replies, sendConcurrency);
    log(
      `   the webhook adapter alone, ${sendConcurrency} in flight: ${sendFloor.perSecond} sends/s`,
    );

    log(`3. commit ceiling: single-row inserts at concurrency ${options.concurrency}`);
    const commit = await measureCommitCeiling(db, options.concurrency, options.ingestSeconds);
    log(
      `   node ${commit.nodePerSecond}/s, pgbench ${commit.pgbenchPerSecond ?? "-"} (${commit.pgbenchNote})`,
    );

    log(
      `4. ingest: signed webhooks at concurrency ${options.concurrency} for ${options.ingestSeconds} s`,
    );
    const app = await startBenchApp(db, env);
    let ingest: Awaited<ReturnType<typeof measureIngest>>;
    let latency: Awaited<ReturnType<typeof measureLatency>>;
    let latencyLight: Awaited<ReturnType<typeof measureLatency>>;
    let httpFloor: Awaited<ReturnType<typeof measureHttpFloor>>;
    let latencyWorkerRssMb: number | undefined;
    let appRssMb: number | undefined;
    try {
      ingest = await measureIngest(db, app, tenants, options.concurrency, options.ingestSeconds);
      if (ingest.recordedAndEnqueued !== ingest.accepted || ingest.accepted === 0) {
        throw new Error(
          `ingest: ${ingest.accepted} accepted, ${ingest.recordedAndEnqueued} enqueued`,
        );
      }
      log(`   ${ingest.perSecond} webhooks/s`);
      httpFloor = await measureHttpFloor(
        receiver,
        tenants,
        options.concurrency,
        options.ingestSeconds,
      );
      log(`   trivial node:http server, same load generator: ${httpFloor.perSecond} requests/s`);
      await db.resetWork();

      log(
        `5. latency: ${options.latencyRate} webhooks/s for ${options.latencySeconds} s, worker running`,
      );
      const worker = await startWorker(db, env);
      try {
        // A quarter of the rate first: the path's own latency, with the machine not saturated.
        const lightRate = Math.max(1, Math.round(options.latencyRate / 4));
        latencyLight = await measureLatency(
          app,
          tenants,
          receiver,
          lightRate,
          options.latencySeconds,
        );
        log(`   at ${lightRate}/s: p50 ${latencyLight.p50Ms} ms, p99 ${latencyLight.p99Ms} ms`);
        latency = await measureLatency(
          app,
          tenants,
          receiver,
          options.latencyRate,
          options.latencySeconds,
        );
      } finally {
        latencyWorkerRssMb = await worker.stop();
      }
      if (
        latency.delivered < latency.accepted ||
        latency.accepted === 0 ||
        latencyLight.delivered < latencyLight.accepted
      ) {
        throw new Error(`latency: ${latency.accepted} accepted, ${latency.delivered} delivered`);
      }
      log(`   p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms`);
    } finally {
      appRssMb = app.peakRssMb();
      await app.stop();
    }

    log(`6. growth: delivery and claim latency with 0 and ${options.history} historical rows`);
    const growth = await measureGrowth(db, env, tenants, options, log);

    const results: BenchResults = {
      when: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        memoryGb: round(totalmem() / 1024 ** 3, 1),
        postgres: db.serverVersion.split(" on ")[0] ?? db.serverVersion,
        database: db.source,
        sharedBuffers: db.sharedBuffers,
        node: process.version,
        loadAverageBefore: loadBefore.map((v) => round(v, 2)),
        loadAverageAfter: loadavg().map((v) => round(v, 2)),
      },
      options: { ...options, valinorEnv: options.valinorEnv },
      ceiling,
      delivery,
      r1: round(delivery.perSecond / ceiling.perSecond, 3),
      sendFloor,
      commit,
      ingest,
      httpFloor,
      r2: round(ingest.perSecond / Math.max(commit.nodePerSecond, commit.pgbenchPerSecond ?? 0), 3),
      latency,
      latencyLight,
      growth,
      memory: {
        appPeakRssMb: appRssMb,
        workerPeakRssMb: Math.max(
          delivery.peakRssMb ?? 0,
          latencyWorkerRssMb ?? 0,
          growth.grown.delivery.peakRssMb ?? 0,
        ),
      },
      wallSeconds: round((performance.now() - wallStarted) / 1000, 1),
    };
    mkdirSync(dirname(options.output), { recursive: true });
    writeFileSync(options.output, `${JSON.stringify(results, null, 2)}\n`);
    log("");
    log(formatTable(results));
    log(`\nwrote ${options.output} (${results.wallSeconds} s)`);
  } finally {
    await receiver.close();
    await db.stop();
  }
}

runScript(main);
