// `node bench/compareWorkerSettings.ts [--jobs N] [--rounds R] [--compare worker|batch]`: the
// engine ceiling and the delivery rate (bench items 1 and 2) under several graphile-worker
// settings (`worker`) or claim batch sizes (`batch`, shipped worker settings), interleaved in
// one run so the noise of a shared machine hits every variant alike. Prints a Markdown table.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { makeSecretBox } from "../src/crypto/secretBox.ts";
import { openBenchDatabase } from "./benchDatabase.ts";
import { createBenchTenants, enqueueBenchReplies } from "./benchFixtures.ts";
import { measureWorkerRun } from "./measureWorker.ts";
import { startReplyReceiver } from "./replyReceiver.ts";
import { runScript } from "./runScript.ts";
import { median } from "./stats.ts";

const workerVariants: Record<string, Record<string, string>> = {
  "defaults (no local queue, no batching)": {},
  "local queue 50": { WORKER_LOCAL_QUEUE_SIZE: "50" },
  "complete batch 1 ms": { WORKER_COMPLETE_JOB_BATCH_DELAY_MS: "1" },
  "local queue 50 + complete batch 1 ms": {
    WORKER_LOCAL_QUEUE_SIZE: "50",
    WORKER_COMPLETE_JOB_BATCH_DELAY_MS: "1",
  },
  "local queue 50 + complete batch 1 ms, concurrency 20": {
    WORKER_LOCAL_QUEUE_SIZE: "50",
    WORKER_COMPLETE_JOB_BATCH_DELAY_MS: "1",
    WORKER_CONCURRENCY: "20",
  },
};

const batchVariants: Record<string, Record<string, string>> = {
  "claim batch 1 (a row per job)": { OUTBOX_CLAIM_BATCH_SIZE: "1" },
  "claim batch 5": { OUTBOX_CLAIM_BATCH_SIZE: "5" },
  "claim batch 20 (default)": { OUTBOX_CLAIM_BATCH_SIZE: "20" },
  "claim batch 50": { OUTBOX_CLAIM_BATCH_SIZE: "50" },
};

async function main() {
  const { values } = parseArgs({
    options: {
      jobs: { type: "string", default: "5000" },
      rounds: { type: "string", default: "2" },
      compare: { type: "string", default: "worker" },
    },
  });
  if (values.compare !== "worker" && values.compare !== "batch") {
    throw new Error(`--compare must be worker or batch, got ${values.compare}`);
  }
  const variants = values.compare === "batch" ? batchVariants : workerVariants;
  const jobs = Number(values.jobs);
  const rounds = Number(values.rounds);
  const secretsKey = randomBytes(32).toString("base64");
  const db = await openBenchDatabase(process.env.BENCH_DATABASE_URL);
  const receiver = await startReplyReceiver();
  const results = new Map<string, { ceiling: number[]; delivery: number[]; trips: string }>();
  try {
    const tenants = await createBenchTenants(db.admin, makeSecretBox(secretsKey), 10, receiver.url);
    const enqueue = async () => {
      await enqueueBenchReplies(db, tenants, jobs);
      await db.admin.query("vacuum analyze");
    };
    for (let round = 0; round < rounds; round += 1) {
      for (const [name, settings] of Object.entries(variants)) {
        const env = { LOG_LEVEL: "warn", SECRETS_KEY: secretsKey, ...settings };
        await enqueue();
        const ceiling = await measureWorkerRun(db, env, "noop", jobs);
        await db.resetWork();
        await enqueue();
        const delivery = await measureWorkerRun(db, env, "valinor", jobs);
        await db.resetWork();
        const entry = results.get(name) ?? { ceiling: [], delivery: [], trips: "" };
        entry.ceiling.push(ceiling.perSecond);
        entry.delivery.push(delivery.perSecond);
        entry.trips = `${ceiling.roundTripsPerJob} / ${delivery.roundTripsPerJob}`;
        results.set(name, entry);
        console.log(`${name}: ceiling ${ceiling.perSecond}/s, delivery ${delivery.perSecond}/s`);
      }
    }
  } finally {
    await receiver.close();
    await db.stop();
  }
  console.log(`\n${jobs} jobs, ${rounds} rounds interleaved, medians\n`);
  console.log(
    `| ${values.compare === "batch" ? "claim batch" : "worker settings"} | ceiling jobs/s | delivery replies/s | R1 | round trips/job (noop / valinor) |`,
  );
  console.log("|---|---|---|---|---|");
  for (const [name, entry] of results) {
    const c = Math.round(median(entry.ceiling));
    const d = Math.round(median(entry.delivery));
    console.log(`| ${name} | ${c} | ${d} | ${(d / c).toFixed(3)} | ${entry.trips} |`);
  }
}

runScript(main);
