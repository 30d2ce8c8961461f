import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/db/embeddedPostgres.ts";
import { makePool } from "../../src/db/pools.ts";
import { withTenant } from "../../src/db/withTenant.ts";
import { makeLogger } from "../../src/logging/logger.ts";
import { freePort } from "../helpers/provisionPostgres.ts";

const dir = mkdtempSync(join(tmpdir(), "valinor-embedded-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("initialises a new folder, stops cleanly, and restarts on the same data without re-initialising", async () => {
    const logger = makeLogger("silent");
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dir, port, logger });
    await query(
      first.rootUrl,
      "create table kept (value text); insert into kept values ('still here')",
    );
    const versionFile = join(first.dataDir, "PG_VERSION");
    const initialisedAt = statSync(versionFile).mtimeMs;
    await first.stop();
    await expect(query(first.rootUrl, "select 1")).rejects.toThrow();

    const second = await startEmbeddedPostgres({ dir, port, logger });
    try {
      expect(second.rootUrl).toBe(first.rootUrl);
      expect(statSync(versionFile).mtimeMs).toBe(initialisedAt);
      expect(await query(second.rootUrl, "select value from kept")).toEqual([
        { value: "still here" },
      ]);
      expect(existsSync(join(dir, "credentials.json"))).toBe(true);
    } finally {
      await second.stop();
    }
  });
});

describe("pools across a database restart", () => {
  it("fail the transaction in flight instead of crashing the process, and work again afterwards", async () => {
    const logger = makeLogger("silent");
    const restartDir = mkdtempSync(join(tmpdir(), "valinor-restart-"));
    const port = await freePort();
    let server = await startEmbeddedPostgres({ dir: restartDir, port, logger });
    const pool = makePool(server.rootUrl, 2, logger);
    try {
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => {
        inside = resolve;
      });
      // A checked-out client, mid-transaction, when the server goes away.
      const inFlight = withTenant(pool, "00000000-0000-0000-0000-000000000001", async (client) => {
        inside();
        await client.query("select pg_sleep(30)");
      });
      const outcome = inFlight.then(
        () => "committed",
        (error: unknown) => error,
      );
      await entered;
      await server.stop();
      expect(await outcome).toMatchObject({ message: expect.stringMatching(/terminat/) });
      server = await startEmbeddedPostgres({ dir: restartDir, port, logger });
      const { rows } = await pool.query("select 1 as one");
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
      await server.stop();
      rmSync(restartDir, { recursive: true, force: true });
    }
  });
});
