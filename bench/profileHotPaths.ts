// `node bench/profileHotPaths.ts [--replies N] [--seconds S] [--rounds R] [--apply FILE]`: delivery
// (bench item 2) and ingest (item 4) alone, R rounds each, after applying FILE (a migration in
// progress, e.g. migrations/current.sql, placeholders resolved) on top of the committed ones: the rate and the CPU per reply and per webhook of
// every process. When the server has pg_stat_statements loaded (BENCH_DATABASE_URL of a server
// started with `shared_preload_libraries=pg_stat_statements`, `pg_stat_statements.track=all`
// and `track_functions=all`; BENCHMARKS.md shows how), also where PostgreSQL's time goes,
// statement by statement (nested ones included) and function by function. The statistics cost
// time of their own: compare rates only between runs made the same way.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { makeSecretBox } from "../src/crypto/secretBox.ts";
import { BENCH_ROLES, type BenchDatabase, openBenchDatabase } from "./benchDatabase.ts";
import { createBenchTenants, enqueueBenchReplies } from "./benchFixtures.ts";
import type { CpuCost } from "./cpuTime.ts";
import { measureIngest, startBenchApp } from "./measureIngest.ts";
import { measureWorkerRun } from "./measureWorker.ts";
import { startReplyReceiver } from "./replyReceiver.ts";
import { runScript } from "./runScript.ts";
import { round } from "./stats.ts";

interface StatementRow {
  toplevel: boolean;
  calls: string;
  total_ms: number;
  query: string;
}

interface FunctionRow {
  name: string;
  calls: string;
  self_ms: number;
  total_ms: number;
}

/** A migration in progress, as the owner, with graphile-migrate's placeholders resolved. */
async function applySql(db: BenchDatabase, file: string) {
  const sql = readFileSync(file, "utf8")
    .replaceAll(":DATABASE_APP", BENCH_ROLES.app)
    .replaceAll(":DATABASE_LOOKUP", BENCH_ROLES.lookup)
    .replaceAll(":DATABASE_OWNER", BENCH_ROLES.owner);
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  try {
    await owner.query(sql);
  } finally {
    await owner.end();
  }
  console.log(`applied ${file}`);
}

async function hasStatementStatistics(db: BenchDatabase): Promise<boolean> {
  const { rows } = await db.admin.query<{ loaded: boolean }>(
    "select current_setting('shared_preload_libraries') ~ 'pg_stat_statements' as loaded",
  );
  if (!rows[0]!.loaded) return false;
  await db.admin.query("create extension if not exists pg_stat_statements");
  return true;
}

async function resetStatistics(db: BenchDatabase, statements: boolean) {
  if (!statements) return;
  await db.admin.query("select pg_stat_statements_reset()");
  await db.admin.query("select pg_stat_reset()");
}

const describe = (title: string, perSecond: number, cpu: CpuCost) =>
  `${title}: ${perSecond}/s, CPU ms/unit ${JSON.stringify(cpu.msPerUnit)}, bound ${cpu.boundPerSecond}/s`;

/** Statements and functions by time per unit of work (a reply, a webhook), top `limit`. */
async function printProfile(db: BenchDatabase, title: string, units: number, limit = 15) {
  console.log(title);
  // Function statistics reach the shared view when a backend reports them: at most once a second.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const perUnit = (ms: number) => round((ms / units) * 1000, 1);
  const statements = await db.admin.query<StatementRow>(
    `select s.toplevel, s.calls::text, s.total_exec_time as total_ms,
       regexp_replace(left(s.query, 110), '\\s+', ' ', 'g') as query
     from pg_stat_statements s join pg_database d on d.oid = s.dbid
     where d.datname = current_database()
     order by s.total_exec_time desc limit $1`,
    [limit],
  );
  const functions = await db.admin.query<FunctionRow>(
    `select schemaname || '.' || funcname as name, calls::text, self_time as self_ms,
       total_time as total_ms
     from pg_stat_user_functions order by self_time desc limit $1`,
    [limit],
  );
  const top = statements.rows.filter((row) => row.toplevel);
  const topMs = top.reduce((sum, row) => sum + row.total_ms, 0);
  console.log(`\n${units} units, top-level statements ${perUnit(topMs)} µs/unit`);
  console.log("\n| top | calls/unit | µs/unit | statement |\n|---|---|---|---|");
  for (const row of statements.rows) {
    const calls = round(Number(row.calls) / units, 2);
    console.log(
      `| ${row.toplevel ? "yes" : "nested"} | ${calls} | ${perUnit(row.total_ms)} | \`${row.query.replaceAll("|", "\\|")}\` |`,
    );
  }
  console.log("\n| function | calls/unit | self µs/unit | total µs/unit |\n|---|---|---|---|");
  for (const row of functions.rows) {
    const calls = round(Number(row.calls) / units, 2);
    console.log(`| ${row.name} | ${calls} | ${perUnit(row.self_ms)} | ${perUnit(row.total_ms)} |`);
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      replies: { type: "string", default: "10000" },
      seconds: { type: "string", default: "10" },
      rounds: { type: "string", default: "1" },
      apply: { type: "string" },
    },
  });
  const replies = Number(values.replies);
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const secretsKey = randomBytes(32).toString("base64");
  const env = { LOG_LEVEL: "warn", SECRETS_KEY: secretsKey };
  const db = await openBenchDatabase(process.env.BENCH_DATABASE_URL);
  const receiver = await startReplyReceiver();
  try {
    if (values.apply) await applySql(db, values.apply);
    const statements = await hasStatementStatistics(db);
    console.log(`${db.serverVersion.split(" on ")[0]}; statement statistics: ${statements}`);
    const tenants = await createBenchTenants(db.admin, makeSecretBox(secretsKey), 10, receiver.url);
    for (let round = 1; round <= rounds; round++) {
      await enqueueBenchReplies(db, tenants, replies);
      await db.admin.query("vacuum analyze");
      await resetStatistics(db, statements);
      const delivery = await measureWorkerRun(db, env, "valinor", replies);
      const title = describe(`round ${round} delivery`, delivery.perSecond, delivery.cpu);
      if (statements) await printProfile(db, title, replies);
      else console.log(title);
      await db.resetWork();

      const server = await startBenchApp(db, env);
      try {
        await resetStatistics(db, statements);
        const ingest = await measureIngest(db, server, tenants, 10, seconds);
        const title = describe(`round ${round} ingest`, ingest.perSecond, ingest.cpu);
        if (statements) await printProfile(db, title, ingest.accepted);
        else console.log(title);
      } finally {
        await server.stop();
      }
      await db.resetWork();
    }
  } finally {
    await receiver.close();
    await db.stop();
  }
}

runScript(main);
