import pg from "pg";
import type { Logger } from "pino";

export interface Pools {
  /** Owner role: migrations, the worker, the operator CLI. FORCE RLS keeps it tenant-scoped. */
  readonly owner: pg.Pool;
  /** App role: the Express process. */
  readonly app: pg.Pool;
  end(): Promise<void>;
}

export function makePool(connectionString: string, max: number, logger?: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", (error) => logger?.warn({ err: error }, "idle database client failed"));
  return pool;
}

export function makePools(
  urls: { ownerUrl: string; appUrl: string },
  max: number,
  logger?: Logger,
): Pools {
  const owner = makePool(urls.ownerUrl, max, logger);
  const app = makePool(urls.appUrl, max, logger);
  return {
    owner,
    app,
    async end() {
      await Promise.all([owner.end(), app.end()]);
    },
  };
}
