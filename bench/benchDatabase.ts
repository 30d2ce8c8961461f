import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../src/db/embeddedPostgres.ts";
import { migrateDatabase } from "../src/db/migrate.ts";
import { makePool } from "../src/db/pools.ts";
import { rolesFromUrls, withUrlParts } from "../src/db/roles.ts";
import { setupDatabase } from "../src/db/setupDatabase.ts";
import { makeLogger } from "../src/logging/logger.ts";
import { freePort } from "../test/helpers/provisionPostgres.ts";
import { postmasterOf } from "./cpuTime.ts";

export interface BenchDatabase {
  readonly source: "embedded" | "BENCH_DATABASE_URL";
  readonly serverVersion: string;
  /** The server's shared_buffers, reported with the results (item 6 reads history through it). */
  readonly sharedBuffers: string;
  /** The server's postmaster, when it runs on this machine: its CPU time is measured. */
  readonly postmasterPid: number | undefined;
  /** Superuser on the bench database: fixtures, resets and counting only. */
  readonly superUrl: string;
  readonly ownerUrl: string;
  readonly appUrl: string;
  readonly admin: pg.Pool;
  /** Empties the domain tables and graphile-worker's queue (tenants and links stay). */
  resetWork(): Promise<void>;
  stop(): Promise<void>;
}

const DATABASE = "valinor_bench";
/** The bench database's role names (migration placeholders resolve to these). */
export const BENCH_ROLES = {
  owner: "valinor_bench_owner",
  app: "valinor_bench_app",
  lookup: "valinor_bench_lookup",
};

/**
 * Embedded PostgreSQL in a temporary folder, with stock initdb settings or the given
 * `sharedBuffers` (or BENCH_DATABASE_URL, with its own settings), roles set up, migrated.
 */
export async function openBenchDatabase(
  databaseUrl: string | undefined,
  sharedBuffers?: string,
): Promise<BenchDatabase> {
  let rootUrl: string;
  let stopServer = async () => {};
  if (databaseUrl) {
    rootUrl = databaseUrl;
  } else {
    const dir = mkdtempSync(join(tmpdir(), "valinor-bench-pg-"));
    const embedded = await startEmbeddedPostgres({
      dir,
      port: await freePort(),
      logger: makeLogger("warn"),
      settings: sharedBuffers ? { shared_buffers: sharedBuffers } : {},
    });
    rootUrl = embedded.rootUrl;
    stopServer = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const password = randomBytes(12).toString("hex");
  const url = (user: string) => withUrlParts(rootUrl, { user, password, database: DATABASE });
  const ownerUrl = url(BENCH_ROLES.owner);
  const appUrl = url(BENCH_ROLES.app);
  const roles = rolesFromUrls({ ownerUrl, appUrl, lookupRole: BENCH_ROLES.lookup });
  const root = new pg.Client({ connectionString: rootUrl });
  await root.connect();
  const { rows: server } = await root.query<{ version: string; shared_buffers: string }>(
    "select version() as version, current_setting('shared_buffers') as shared_buffers",
  );
  const serverVersion = server[0]!.version;
  await root.query(`drop database if exists ${DATABASE} with (force)`);
  await root.end();
  await setupDatabase(rootUrl, roles);
  await migrateDatabase({ ownerUrl, rootUrl, roles, logger: makeLogger("warn") });
  const superUrl = withUrlParts(rootUrl, { database: DATABASE });
  const admin = makePool(superUrl, 4);
  const { rows } = await admin.query<{ pid: number }>("select pg_backend_pid() as pid");
  return {
    source: databaseUrl ? "BENCH_DATABASE_URL" : "embedded",
    serverVersion,
    sharedBuffers: server[0]!.shared_buffers,
    postmasterPid: postmasterOf(rows[0]!.pid),
    superUrl,
    ownerUrl,
    appUrl,
    admin,
    async resetWork() {
      await admin.query(
        `truncate public.channel_outbox_attempts, public.channel_outbox, public.channel_messages,
           graphile_worker._private_jobs, graphile_worker._private_job_queues`,
      );
      await admin.query("vacuum analyze");
    },
    async stop() {
      await admin.end();
      if (databaseUrl) {
        const client = new pg.Client({ connectionString: rootUrl });
        await client.connect();
        await client.query(`drop database if exists ${DATABASE} with (force)`);
        await client.end();
      }
      await stopServer();
    },
  };
}
