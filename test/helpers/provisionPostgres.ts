import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../../src/db/embeddedPostgres.ts";
import { makeLogger } from "../../src/logging/logger.ts";

export interface ProvisionedPostgres {
  /** Superuser URL to the server's maintenance database. */
  rootUrl: string;
  source: "TEST_DATABASE_URL" | "testcontainers" | "embedded";
  stop(): Promise<void>;
}

/**
 * In order: an explicit TEST_DATABASE_URL (a superuser on any server), a Docker engine
 * through testcontainers if one answers, else embedded PostgreSQL in a temporary folder.
 */
export async function provisionPostgres(env: NodeJS.ProcessEnv): Promise<ProvisionedPostgres> {
  if (env.TEST_DATABASE_URL) {
    return { rootUrl: env.TEST_DATABASE_URL, source: "TEST_DATABASE_URL", stop: async () => {} };
  }
  if (dockerLooksReachable(env)) {
    try {
      const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
      const container = await new PostgreSqlContainer("postgres:17-alpine").start();
      return {
        rootUrl: container.getConnectionUri(),
        source: "testcontainers",
        stop: async () => {
          await container.stop();
        },
      };
    } catch {
      // No usable engine after all: fall through to the embedded server.
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "valinor-test-pg-"));
  const embedded = await startEmbeddedPostgres({
    dir,
    port: await freePort(),
    logger: makeLogger("warn"),
  });
  return {
    rootUrl: embedded.rootUrl,
    source: "embedded",
    stop: async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function dockerLooksReachable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.DOCKER_HOST) || existsSync("/var/run/docker.sock");
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
