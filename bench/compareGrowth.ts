// `node bench/compareGrowth.ts [--replies N] [--history N] [--shared-buffers SIZE]`: bench item 6's delivery runs
// interleaved on one database — no history, then N historical `sent` rows twice, then no history
// again (the history truncated) — to tell the cost of history from the run-to-run noise of a
// shared machine. Prints the rate, the CPU per reply of each run, and PostgreSQL's WAL and
// buffer work per reply (with the indexes that account for most of it).
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { makeSecretBox } from "../src/crypto/secretBox.ts";
import { openBenchDatabase } from "./benchDatabase.ts";
import { createBenchTenants, enqueueBenchReplies, insertHistory } from "./benchFixtures.ts";
import { machineBusyMeter } from "./cpuTime.ts";
import { startDatabaseWork } from "./databaseWork.ts";
import { clearActiveWork } from "./measureGrowth.ts";
import { measureWorkerRun } from "./measureWorker.ts";
import { startReplyReceiver } from "./replyReceiver.ts";
import { runScript } from "./runScript.ts";
import { round } from "./stats.ts";

async function main() {
  const { values } = parseArgs({
    options: {
      replies: { type: "string", default: "20000" },
      history: { type: "string", default: "1000000" },
      "shared-buffers": { type: "string" },
    },
  });
  const replies = Number(values.replies);
  const history = Number(values.history);
  const secretsKey = randomBytes(32).toString("base64");
  const env = { LOG_LEVEL: "warn", SECRETS_KEY: secretsKey };
  const db = await openBenchDatabase(process.env.BENCH_DATABASE_URL, values["shared-buffers"]);
  console.log(`shared_buffers ${db.sharedBuffers}`);
  const receiver = await startReplyReceiver();
  try {
    const tenants = await createBenchTenants(db.admin, makeSecretBox(secretsKey), 10, receiver.url);
    const run = async (label: string) => {
      await enqueueBenchReplies(db, tenants, replies);
      await db.admin.query("vacuum analyze");
      const work = await startDatabaseWork(db.admin);
      const busy = machineBusyMeter();
      const delivery = await measureWorkerRun(db, env, "valinor", replies);
      const machineBusy = busy();
      const perReply = await work(replies);
      await clearActiveWork(db);
      console.log(
        `${label}: ${delivery.perSecond} replies/s, CPU ms/reply ${JSON.stringify(delivery.cpu.msPerUnit)}, CPU bound ${delivery.cpu.boundPerSecond}/s, machine busy ${round(machineBusy, 2)}`,
      );
      const { topIndexes, ...totals } = perReply;
      console.log(`  PostgreSQL per reply: ${JSON.stringify(totals)}`);
      for (const index of topIndexes) {
        console.log(`    ${index.name}: ${index.hit} hit, ${index.read} read`);
      }
    };
    await run("no history (1)");
    await insertHistory(db.admin, tenants, history);
    await db.admin.query("vacuum analyze");
    await db.admin.query("checkpoint");
    await run(`${history} history (1)`);
    await run(`${history} history (2)`);
    await db.resetWork();
    await db.admin.query("checkpoint");
    await run("no history (2)");
  } finally {
    await receiver.close();
    await db.stop();
  }
}

runScript(main);
