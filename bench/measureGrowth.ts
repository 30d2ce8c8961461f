import type pg from "pg";
import { makePool } from "../src/db/pools.ts";
import { makeLogger } from "../src/logging/logger.ts";
import { claimOutbox } from "../src/outbox/claimOutbox.ts";
import { markSent } from "../src/outbox/markOutbox.ts";
import { retainOutbox } from "../src/outbox/retainOutbox.ts";
import type { BenchDatabase } from "./benchDatabase.ts";
import { type BenchTenant, enqueueBenchReplies, insertHistory } from "./benchFixtures.ts";
import type { Env } from "./childProcesses.ts";
import { measureWorkerRun, type WorkerRun } from "./measureWorker.ts";
import { percentile, round } from "./stats.ts";

export interface ClaimLatency {
  readonly samples: number;
  readonly claimP50Ms: number;
  readonly claimP99Ms: number;
  readonly markSentP50Ms: number;
  readonly markSentP99Ms: number;
}

export interface GrowthPoint {
  readonly historyRows: number;
  readonly outboxTableMb: number;
  readonly delivery: WorkerRun;
  readonly claim: ClaimLatency;
}

export interface RetentionRun {
  readonly deleted: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly batchSize: number;
}

export interface GrowthResult {
  readonly empty: GrowthPoint;
  readonly grown: GrowthPoint;
  readonly insertHistorySeconds: number;
  /** grown ÷ empty delivery rate (goal ≥ 0.9). */
  readonly deliveryRatio: number;
  readonly retention: RetentionRun;
}

/** Delivery rate and claim latency with no history, then with `history` sent rows; then retention. */
export async function measureGrowth(
  db: BenchDatabase,
  env: Env,
  tenants: readonly BenchTenant[],
  options: { replies: number; history: number; claimSamples: number },
  log: (line: string) => void,
): Promise<GrowthResult> {
  const owner = makePool(db.ownerUrl, 2);
  try {
    await db.resetWork();
    const point = async (historyRows: number): Promise<GrowthPoint> => {
      await enqueueBenchReplies(db, tenants, options.replies);
      // As item 2 (and compareGrowth) prepare theirs: fresh statistics, hint bits set.
      await db.admin.query("vacuum analyze");
      const delivery = await measureWorkerRun(db, env, "valinor", options.replies);
      await clearActiveWork(db);
      const claim = await claimLatency(db, owner, tenants, options.claimSamples);
      await clearActiveWork(db);
      const { rows } = await db.admin.query<{ mb: number }>(
        "select pg_total_relation_size('public.channel_outbox') / 1048576.0 as mb",
      );
      return { historyRows, outboxTableMb: round(Number(rows[0]!.mb), 1), delivery, claim };
    };
    const empty = await point(0);
    log(
      `  no history: ${empty.delivery.perSecond} replies/s, claim p50 ${empty.claim.claimP50Ms} ms`,
    );
    const started = performance.now();
    await insertHistory(db.admin, tenants, options.history);
    const insertHistorySeconds = round((performance.now() - started) / 1000, 1);
    log(`  inserted ${options.history} historical rows in ${insertHistorySeconds} s`);
    const grown = await point(options.history);
    log(
      `  ${options.history} history: ${grown.delivery.perSecond} replies/s, claim p50 ${grown.claim.claimP50Ms} ms`,
    );
    const retention = await measureRetention(owner);
    return {
      empty,
      grown,
      insertHistorySeconds,
      deliveryRatio: round(grown.delivery.perSecond / empty.delivery.perSecond, 3),
      retention,
    };
  } finally {
    await owner.end();
  }
}

/** Deletes what is not history (the benchmark's own replies and their jobs). */
export async function clearActiveWork(db: BenchDatabase): Promise<void> {
  await db.admin.query(
    "delete from public.channel_messages where external_message_id not like 'history-%'",
  );
  await db.admin.query("delete from graphile_worker._private_jobs");
  await db.admin.query(
    "vacuum analyze public.channel_outbox, public.channel_messages, public.channel_outbox_attempts",
  );
}

/** Claim and mark-sent round trips, one at a time, as the worker's owner role makes them. */
async function claimLatency(
  db: BenchDatabase,
  owner: pg.Pool,
  tenants: readonly BenchTenant[],
  samples: number,
): Promise<ClaimLatency> {
  await enqueueBenchReplies(db, tenants, samples, "claim sample ");
  const { rows } = await db.admin.query<{ id: string; tenant_id: string }>(
    "select id, tenant_id from public.channel_outbox where status = 'pending'",
  );
  const claims: number[] = [];
  const marks: number[] = [];
  for (const row of rows) {
    let started = performance.now();
    const claimed = await claimOutbox(owner, row.tenant_id, row.id);
    claims.push(performance.now() - started);
    if (!claimed) throw new Error(`claim sample ${row.id} was not claimable`);
    started = performance.now();
    const claim = {
      tenantId: row.tenant_id,
      outboxId: row.id,
      claimToken: claimed.claimToken,
      startedAt: new Date(),
    };
    if (!(await markSent(owner, claim, "bench"))) throw new Error("markSent did not apply");
    marks.push(performance.now() - started);
  }
  const ms = (values: number[], q: number) => round(percentile(values, q) ?? Number.NaN, 3);
  return {
    samples: rows.length,
    claimP50Ms: ms(claims, 0.5),
    claimP99Ms: ms(claims, 0.99),
    markSentP50Ms: ms(marks, 0.5),
    markSentP99Ms: ms(marks, 0.99),
  };
}

/** src/outbox/retainOutbox.ts over the history: sent rows older than 30 days go. */
async function measureRetention(owner: pg.Pool): Promise<RetentionRun> {
  const batchSize = 1_000;
  const started = performance.now();
  const summary = await retainOutbox(
    (fn) =>
      owner.connect().then(async (client) => {
        try {
          return await fn(client);
        } finally {
          client.release();
        }
      }),
    {
      sentRetainMs: 30 * 24 * 60 * 60_000,
      deadRetainMs: 60 * 24 * 60 * 60_000,
      batchSize,
      maxBatchesPerTenant: Number.MAX_SAFE_INTEGER,
    },
    makeLogger("warn"),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    deleted: summary.sentDeleted + summary.deadDeleted,
    seconds: round(seconds, 2),
    rowsPerSecond: Math.round((summary.sentDeleted + summary.deadDeleted) / seconds),
    batchSize,
  };
}
