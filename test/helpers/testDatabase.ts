import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { makePool, makePools, type Pools } from "../../src/db/pools.ts";
import { rolesFromUrls, withUrlParts } from "../../src/db/roles.ts";
import { restrictDatabase } from "../../src/db/setupDatabase.ts";
import { TEST_ROLES } from "./testRoles.ts";

export interface TestDatabase {
  readonly name: string;
  readonly rootUrl: string;
  /** Owner role (migrations, worker): FORCE RLS applies to it. */
  readonly ownerUrl: string;
  /** App role (Express). */
  readonly appUrl: string;
  /** Superuser on this database: fixtures and assertions only, never code under test. */
  readonly superUrl: string;
  readonly pools: Pools;
  /** A superuser pool for fixtures and for reading what really happened. */
  readonly admin: pg.Pool;
  readonly lookupRole: string;
  drop(): Promise<void>;
}

/** Clones the migrated template into a fresh database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { rootUrl, template } = inject("testDatabaseServer");
  const name = `valinor_t${process.ppid}_${randomBytes(4).toString("hex")}`;
  const urls = TEST_ROLES.urls(rootUrl, name);
  const roles = rolesFromUrls({ ...urls, lookupRole: TEST_ROLES.lookup });
  const root = new pg.Client({ connectionString: rootUrl });
  await root.connect();
  try {
    await root.query(
      `create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(template)} owner ${pg.escapeIdentifier(TEST_ROLES.owner)}`,
    );
    await restrictDatabase(root, roles, name);
  } finally {
    await root.end();
  }
  const superUrl = withUrlParts(rootUrl, { database: name });
  const pools = makePools(urls, 10);
  // Through makePool: a client terminated by drop database ... with (force) must not throw.
  const admin = makePool(superUrl, 4);
  return {
    name,
    rootUrl,
    ...urls,
    superUrl,
    pools,
    admin,
    lookupRole: TEST_ROLES.lookup,
    async drop() {
      await Promise.allSettled([pools.end(), admin.end()]);
      const client = new pg.Client({ connectionString: rootUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
