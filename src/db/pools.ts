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
  // A client losing its connection (a database restart, say) must not crash the process: the
  // query in flight fails on its own, and the pool replaces the client. The pool's "error"
  // covers idle clients; clients checked out at that moment need a listener of their own.
  pool.on("error", (error) => logger?.warn({ err: error }, "idle database client failed"));
  pool.on("connect", (client) => {
    client.on("error", (error) => logger?.warn({ err: error }, "database client failed"));
  });
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
