import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/db/embeddedPostgres.ts";
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
