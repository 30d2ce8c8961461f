import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { loadConfig } from "../../src/config/config.ts";
import { startEmbeddedPostgres } from "../../src/db/embeddedPostgres.ts";
import { makePool } from "../../src/db/pools.ts";
import { withUrlParts } from "../../src/db/roles.ts";
import type { Logger } from "../../src/logging/logger.ts";
import { openDatabaseEnvironment } from "../../src/runtime/databaseEnvironment.ts";

/** The PostgreSQL the fault suite runs against, roles set up and migrated. */
export interface FaultDatabase {
  /** A superuser: fixtures and invariant checks only, never the code under test. */
  readonly rootUrl: string;
  readonly ownerUrl: string;
  readonly appUrl: string;
  readonly secretsKey: string;
  /** Embedded only: the suite can stop and start the server. */
  readonly canRestart: boolean;
  readonly admin: pg.Pool;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * A pool that survives PostgreSQL restarts: idle clients' errors go to the pool's listener,
 * and a checked-out client gets its own (without one, pg re-throws the server's "terminating
 * connection" as an uncaught 'error' event and the process dies).
 */
export function survivingPool(url: string, max: number): pg.Pool {
  return makePool(url, max);
}

const adminPool = (url: string) => survivingPool(url, 4);

/**
 * FAULTS_DATABASE_URL (a superuser URL) → a fresh database and roles on that server; unset →
 * embedded PostgreSQL in a temporary folder on a free port, which the suite may restart.
 */
export async function openFaultDatabase(
  externalRootUrl: string | undefined,
  logger: Logger,
  extraSqlFile?: string,
): Promise<FaultDatabase> {
  const database = await openDatabase(externalRootUrl, logger);
  if (extraSqlFile) {
    // A candidate fix (e.g. a migrations/current.sql draft) tried before it is committed.
    await database.admin.query(readFileSync(extraSqlFile, "utf8"));
  }
  return database;
}

async function openDatabase(
  externalRootUrl: string | undefined,
  logger: Logger,
): Promise<FaultDatabase> {
  const secretsKey = randomBytes(32).toString("base64");
  if (externalRootUrl) {
    const database = `valinor_faults_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(12).toString("hex");
    const env = await openDatabaseEnvironment(
      loadConfig({
        ROOT_DATABASE_URL: externalRootUrl,
        DATABASE_URL: withUrlParts(externalRootUrl, {
          user: "valinor_faults_owner",
          password,
          database,
        }),
        APP_DATABASE_URL: withUrlParts(externalRootUrl, {
          user: "valinor_faults_app",
          password,
          database,
        }),
        SECRETS_KEY: secretsKey,
        LOG_LEVEL: "warn",
      }),
      logger,
    );
    const rootUrl = withUrlParts(externalRootUrl, { database });
    const admin = adminPool(rootUrl);
    const unsupported = async () => {
      throw new Error(
        "restarting PostgreSQL needs the embedded server (unset FAULTS_DATABASE_URL)",
      );
    };
    return {
      rootUrl,
      ownerUrl: env.config.database.ownerUrl,
      appUrl: env.config.database.appUrl,
      secretsKey,
      canRestart: false,
      admin,
      stopServer: unsupported,
      startServer: unsupported,
      async close() {
        await admin.end();
        const root = adminPool(externalRootUrl);
        await root.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
        await root.end();
      },
    };
  }

  const dir = mkdtempSync(join(tmpdir(), "valinor-faults-"));
  const port = await freePort();
  const env = await openDatabaseEnvironment(
    loadConfig({
      EMBEDDED_PG_DIR: dir,
      EMBEDDED_PG_PORT: String(port),
      SECRETS_KEY: secretsKey,
      LOG_LEVEL: "warn",
    }),
    logger,
  );
  let stop: (() => Promise<void>) | undefined = env.stop;
  const rootUrl = withUrlParts(env.config.database.rootUrl ?? "", { database: "valinor" });
  const admin = adminPool(rootUrl);
  return {
    rootUrl,
    ownerUrl: env.config.database.ownerUrl,
    appUrl: env.config.database.appUrl,
    secretsKey,
    canRestart: true,
    admin,
    async stopServer() {
      await stop?.();
      stop = undefined;
    },
    async startServer() {
      if (stop) return;
      const started = await startEmbeddedPostgres({ dir, port, logger });
      stop = started.stop;
    },
    async close() {
      await admin.end().catch(() => undefined);
      await stop?.().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
