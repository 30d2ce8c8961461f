import type { Env } from "../../src/config/config.ts";
import { makeLogger } from "../../src/logging/logger.ts";
import { reconcileOutbox } from "../../src/outbox/reconcileOutbox.ts";
import { type AppProcess, startAppProcess } from "./appProcess.ts";
import { type FaultDatabase, survivingPool } from "./faultDatabase.ts";
import { type FaultyProviders, startFaultyProviders } from "./faultyProviders.ts";
import type { SeededRandom } from "./seededRandom.ts";
import { startWorkerPool, type WorkerPool } from "./workerPool.ts";

/** Short retry settings so a run takes minutes: the same env for the app and every worker. */
export const retrySettings = {
  OUTBOX_MAX_ATTEMPTS: "10",
  OUTBOX_BASE_DELAY_MS: "100",
  OUTBOX_MAX_DELAY_MS: "2000",
  OUTBOX_SEND_TIMEOUT_MS: "2000",
  OUTBOX_STALE_SENDING_MS: "4000",
  OUTBOX_RECONCILE_GRACE_MS: "2000",
  WORKER_POLL_INTERVAL_MS: "200",
  WORKER_CONCURRENCY: "10",
} as const;

const reconcileEveryMs = 2_000;

export interface ReconcilerStats {
  runs: number;
  failedRuns: number;
  recovered: number;
  exhausted: number;
  requeued: number;
}

export interface FaultStack {
  readonly app: AppProcess;
  readonly workers: WorkerPool;
  readonly providers: FaultyProviders;
  readonly reconciler: ReconcilerStats;
  readonly env: Env;
  stop(): Promise<void>;
}

/**
 * The fakes, the app (`node src/main.ts --api-only`), N stock graphile-worker CLIs, and the
 * reconciler every 2 s from here (the crontab's every-minute run is too slow for a storm).
 */
export async function startFaultStack(
  database: FaultDatabase,
  options: { workers: number; random: SeededRandom; env?: Env },
): Promise<FaultStack> {
  const env: Env = {
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATABASE_URL: database.ownerUrl,
    APP_DATABASE_URL: database.appUrl,
    SECRETS_KEY: database.secretsKey,
    ...retrySettings,
    ...options.env,
  };
  const providers = await startFaultyProviders(options.random.fork("providers"));
  const app = await startAppProcess(env);
  const workers = startWorkerPool(options.workers, env, options.random.fork("workers"));

  const logger = makeLogger("silent");
  const pool = survivingPool(database.ownerUrl, 2);
  const stats: ReconcilerStats = {
    runs: 0,
    failedRuns: 0,
    recovered: 0,
    exhausted: 0,
    requeued: 0,
  };
  const config = {
    staleSendingMs: Number(env.OUTBOX_STALE_SENDING_MS),
    reconcileGraceMs: Number(env.OUTBOX_RECONCILE_GRACE_MS),
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, reconcileEveryMs));
      if (!running) break;
      try {
        const summary = await reconcileOutbox(pool, config, logger);
        stats.runs += 1;
        stats.recovered += summary.recovered;
        stats.exhausted += summary.exhausted;
        stats.requeued += summary.requeued;
      } catch {
        stats.failedRuns += 1;
      }
    }
  })();

  return {
    app,
    workers,
    providers,
    reconciler: stats,
    env,
    async stop() {
      running = false;
      await loop;
      await Promise.allSettled([app.stop(), workers.stop()]);
      await pool.end().catch(() => undefined);
      await providers.close();
    },
  };
}
