// `node bench/compareNodeFlags.ts [--replies N] [--ingest-seconds S] [--latency-seconds S]
// [--rounds R] [--variant 'name=WORDS' …]`: peak RSS of the app and of a worker, with the
// delivery and ingest rates and their CPU cost, under several ways of starting Node, interleaved
// in one run so the noise of a shared machine hits every variant alike. WORDS are Node flags
// (--max-semi-space-size=2) and variables (MALLOC_ARENA_MAX=1); the default variants are V8's
// defaults and package.json's `serve` script. Each round and variant: a worker delivers N replies;
// the app ingests at C = 10; then app and worker together at 200 webhooks/s (the latency phase,
// which saturates the machine and builds a backlog). Prints a Markdown table. With
// BENCH_MEMORY_DIR=<dir> and BENCH_CHILD_NODE_OPTIONS="--import ./bench/memorySampler.ts", each
// child also writes what its peak RSS was made of.
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { makeSecretBox } from "../src/crypto/secretBox.ts";
import { openBenchDatabase } from "./benchDatabase.ts";
import { createBenchTenants, enqueueBenchReplies } from "./benchFixtures.ts";
import { type NodeLaunch, nodeScript } from "./childProcesses.ts";
import { measureIngest, measureLatency, startBenchApp } from "./measureIngest.ts";
import { measureWorkerRun, startWorker } from "./measureWorker.ts";
import { startReplyReceiver } from "./replyReceiver.ts";
import { runScript } from "./runScript.ts";
import { median } from "./stats.ts";

interface Row {
  delivery: number[];
  workerCpuMs: number[];
  ingest: number[];
  appCpuMs: number[];
  latencyP50: number[];
  latencyP99: number[];
  appRss: number[];
  workerRss: number[];
}

function parseVariants(raw: string[] | undefined): Record<string, NodeLaunch> {
  if (!raw || raw.length === 0) {
    const { env, flags } = nodeScript("serve");
    const words = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...flags];
    return {
      "V8 defaults (no flags)": { env: {}, flags: [] },
      [`package.json: ${words.join(" ") || "(none)"}`]: { env, flags },
    };
  }
  const variants: Record<string, NodeLaunch> = {};
  for (const entry of raw) {
    // "name=WORDS": the name has no "=", the words may (--max-semi-space-size=2, NAME=value).
    const at = entry.indexOf("=");
    if (at < 1) throw new Error(`--variant wants name=WORDS, got ${entry}`);
    const words = entry
      .slice(at + 1)
      .split(/\s+/)
      .filter(Boolean);
    const env = Object.fromEntries(
      words.filter((w) => !w.startsWith("-")).map((w) => w.split(/=(.*)/s).slice(0, 2)),
    );
    variants[entry.slice(0, at)] = { env, flags: words.filter((w) => w.startsWith("-")) };
  }
  return variants;
}

async function main() {
  const { values } = parseArgs({
    options: {
      replies: { type: "string", default: "5000" },
      "ingest-seconds": { type: "string", default: "10" },
      "latency-rate": { type: "string", default: "200" },
      "latency-seconds": { type: "string", default: "10" },
      rounds: { type: "string", default: "2" },
      variant: { type: "string", multiple: true },
    },
  });
  const replies = Number(values.replies);
  const ingestSeconds = Number(values["ingest-seconds"]);
  const latencyRate = Number(values["latency-rate"]);
  const latencySeconds = Number(values["latency-seconds"]);
  const rounds = Number(values.rounds);
  const variants = parseVariants(values.variant);
  const secretsKey = randomBytes(32).toString("base64");
  const env = { LOG_LEVEL: "warn", SECRETS_KEY: secretsKey };
  const loadBefore = loadavg();
  const db = await openBenchDatabase(process.env.BENCH_DATABASE_URL);
  const receiver = await startReplyReceiver();
  const results = new Map<string, Row>();
  try {
    const tenants = await createBenchTenants(db.admin, makeSecretBox(secretsKey), 10, receiver.url);
    for (let round = 0; round < rounds; round += 1) {
      for (const [name, launch] of Object.entries(variants)) {
        await enqueueBenchReplies(db, tenants, replies);
        await db.admin.query("vacuum analyze");
        receiver.reset();
        const delivery = await measureWorkerRun(db, env, "valinor", replies, launch);
        await db.resetWork();

        const server = await startBenchApp(db, env, launch);
        let appRss: number | undefined;
        let latencyWorkerRss: number | undefined;
        let ingest: Awaited<ReturnType<typeof measureIngest>>;
        let latency: Awaited<ReturnType<typeof measureLatency>>;
        try {
          ingest = await measureIngest(db, server, tenants, 10, ingestSeconds);
          await db.resetWork();
          const worker = await startWorker(db, env, launch);
          try {
            latency = await measureLatency(server, tenants, receiver, latencyRate, latencySeconds);
          } finally {
            latencyWorkerRss = await worker.stop();
          }
        } finally {
          appRss = server.peakRssMb();
          await server.stop();
        }
        await db.resetWork();
        const row = results.get(name) ?? {
          delivery: [],
          workerCpuMs: [],
          ingest: [],
          appCpuMs: [],
          latencyP50: [],
          latencyP99: [],
          appRss: [],
          workerRss: [],
        };
        const workerRss = Math.max(delivery.peakRssMb ?? 0, latencyWorkerRss ?? 0);
        row.delivery.push(delivery.perSecond);
        row.workerCpuMs.push(delivery.cpu.msPerUnit.worker ?? Number.NaN);
        row.ingest.push(ingest.perSecond);
        row.appCpuMs.push(ingest.cpu.msPerUnit.app ?? Number.NaN);
        row.latencyP50.push(latency.p50Ms ?? Number.NaN);
        row.latencyP99.push(latency.p99Ms ?? Number.NaN);
        row.appRss.push(appRss ?? Number.NaN);
        row.workerRss.push(workerRss);
        results.set(name, row);
        console.log(
          `${name}: delivery ${delivery.perSecond}/s (worker ${delivery.peakRssMb} MB), ` +
            `ingest ${ingest.perSecond}/s, ${latencyRate}/s p50 ${latency.p50Ms} p99 ${latency.p99Ms} ms ` +
            `(${latency.delivered}/${latency.accepted}), app ${appRss} MB, worker ${latencyWorkerRss} MB`,
        );
      }
    }
  } finally {
    await receiver.close();
    await db.stop();
  }
  const loadAfter = loadavg();
  console.log(
    `\n${replies} replies, ingest ${ingestSeconds} s, ${latencyRate}/s for ${latencySeconds} s; ` +
      `${rounds} rounds interleaved; load average ${loadBefore.map((v) => v.toFixed(2)).join(" ")} ` +
      `before, ${loadAfter.map((v) => v.toFixed(2)).join(" ")} after\n`,
  );
  console.log(
    "| started with | delivery replies/s | worker CPU ms/reply | ingest webhooks/s | app CPU ms/webhook | p50 / p99 ms at rate | app peak RSS MB (max) | worker peak RSS MB (max) |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  const m = (xs: number[]) => Math.round(median(xs));
  for (const [name, row] of results) {
    console.log(
      `| ${name} | ${m(row.delivery)} | ${median(row.workerCpuMs).toFixed(3)} | ${m(row.ingest)} | ` +
        `${median(row.appCpuMs).toFixed(3)} | ${median(row.latencyP50).toFixed(1)} / ${median(row.latencyP99).toFixed(0)} | ` +
        `${m(row.appRss)} (${Math.max(...row.appRss)}) | ${m(row.workerRss)} (${Math.max(...row.workerRss)}) |`,
    );
  }
}

runScript(main);
