import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "../../src/db/withTenant.ts";
import { createTenantWithRows } from "../helpers/fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";

let db: TestDatabase;
let pool: pg.Pool;
let a: Awaited<ReturnType<typeof createTenantWithRows>>;
let b: Awaited<ReturnType<typeof createTenantWithRows>>;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenantWithRows(db.admin);
  b = await createTenantWithRows(db.admin);
  pool = new pg.Pool({ connectionString: db.appUrl, max: 1 });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const visibleTenants = async (client: pg.PoolClient | pg.Pool) =>
  (await client.query<{ tenant_id: string }>("select tenant_id from channel_messages")).rows.map(
    (row) => row.tenant_id,
  );

describe("withTenant", () => {
  it("keeps two tenants apart when they interleave on a pool of one client", async () => {
    const seen: Array<[string, string[]]> = [];
    await Promise.all(
      [a.tenantId, b.tenantId, a.tenantId, b.tenantId].map((tenantId) =>
        withTenant(pool, tenantId, async (client) => {
          seen.push([tenantId, await visibleTenants(client)]);
        }),
      ),
    );
    expect(seen).toHaveLength(4);
    for (const [tenantId, tenants] of seen) expect(tenants).toEqual([tenantId]);
  });

  it("leaves no tenant on the pooled client afterwards, after success or error", async () => {
    await withTenant(pool, a.tenantId, async () => {});
    expect(await visibleTenants(pool)).toEqual([]);
    await expect(
      withTenant(pool, b.tenantId, async (client) => {
        await client.query("select 1/0");
      }),
    ).rejects.toMatchObject({ code: "22012" });
    expect(await visibleTenants(pool)).toEqual([]);
    const { rows } = await pool.query("select current_setting('app.current_tenant_id', true) as t");
    expect(rows[0].t ?? "").toBe("");
  });

  it("rolls back the tenant's writes when the callback throws", async () => {
    await expect(
      withTenant(pool, a.tenantId, async (client) => {
        await client.query("update channel_messages set reason = 'changed'");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const { rows } = await db.admin.query(
      "select reason from channel_messages where tenant_id = $1",
      [a.tenantId],
    );
    expect(rows[0].reason).toBeNull();
  });
});
