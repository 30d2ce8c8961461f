import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import type { BenchDatabase } from "./benchDatabase.ts";
import { type CpuCost, cpuCost, cpuMeter, ownCpuSeconds, postgresCpuSeconds } from "./cpuTime.ts";

const execFileAsync = promisify(execFile);

export interface CommitCeiling {
  /** Single-row insert transactions per second from C Node clients (the pg driver the app uses). */
  readonly nodePerSecond: number;
  /** The same from pgbench, when a pgbench of the server's major version is on PATH. */
  readonly pgbenchPerSecond: number | undefined;
  readonly pgbenchNote: string;
  readonly concurrency: number;
  readonly seconds: number;
  /** CPU per committed insert (Node loop): the benchmark process and PostgreSQL. */
  readonly cpu: CpuCost;
}

const table = `create table if not exists public.bench_commit (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  body text not null,
  created_at timestamptz not null default now()
)`;
const insert = "insert into public.bench_commit (tenant_id, body) values (gen_random_uuid(), 'x')";

/** Single-row insert transactions per second at concurrency C: the machine's commit rate. */
export async function measureCommitCeiling(
  db: BenchDatabase,
  concurrency: number,
  seconds: number,
): Promise<CommitCeiling> {
  await db.admin.query(table);
  const cpuUsed = cpuMeter(() => ({
    "node loop": ownCpuSeconds(),
    postgres: postgresCpuSeconds(db.postmasterPid),
  }));
  const { perSecond: nodePerSecond, done } = await nodeLoop(db.superUrl, concurrency, seconds);
  const cpu = cpuCost(cpuUsed(), done, cpus().length);
  const pgbench = await runPgbench(db, concurrency, seconds);
  await db.admin.query("drop table public.bench_commit");
  return { nodePerSecond, ...pgbench, concurrency, seconds, cpu };
}

async function nodeLoop(url: string, concurrency: number, seconds: number) {
  const clients = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < end) {
        await client.query(insert);
        done += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(clients.map((client) => client.end()));
  return { perSecond: Math.round(done / elapsed), done };
}

async function runPgbench(db: BenchDatabase, concurrency: number, seconds: number) {
  const serverMajor = /PostgreSQL (\d+)/.exec(db.serverVersion)?.[1];
  let version: string;
  try {
    version = (await execFileAsync("pgbench", ["--version"])).stdout.trim();
  } catch {
    return { pgbenchPerSecond: undefined, pgbenchNote: "pgbench not on PATH" };
  }
  const major = /\(PostgreSQL\) (\d+)/.exec(version)?.[1];
  if (major !== serverMajor) {
    return {
      pgbenchPerSecond: undefined,
      pgbenchNote: `skipped: ${version} does not match server ${serverMajor}`,
    };
  }
  const script = join(tmpdir(), `valinor-bench-commit-${process.pid}.sql`);
  writeFileSync(script, `${insert};\n`);
  const threads = String(Math.min(concurrency, cpus().length));
  const { stdout } = await execFileAsync("pgbench", [
    "-n",
    "-c",
    String(concurrency),
    "-j",
    threads,
    "-T",
    String(seconds),
    "-f",
    script,
    db.superUrl,
  ]);
  const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
  return {
    pgbenchPerSecond: tps ? Math.round(Number(tps)) : undefined,
    pgbenchNote: tps ? version : `pgbench output not understood: ${stdout.slice(0, 200)}`,
  };
}
