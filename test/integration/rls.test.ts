import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgErrorCode } from "../../src/db/pgErrors.ts";
import { createTenantWithRows } from "../helpers/fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";
import { TEST_ROLES } from "../helpers/testRoles.ts";

let db: TestDatabase;
let a: Awaited<ReturnType<typeof createTenantWithRows>>;
let b: Awaited<ReturnType<typeof createTenantWithRows>>;
let tenantTables: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenantWithRows(db.admin);
  b = await createTenantWithRows(db.admin);
  const { rows } = await db.admin.query<{ table_name: string }>(
    `select c.table_name from information_schema.columns c
     join information_schema.tables t using (table_schema, table_name)
     where c.table_schema = 'public' and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'
     order by 1`,
  );
  tenantTables = rows.map((row) => row.table_name);
});

afterAll(async () => {
  await db?.drop();
});

/** Runs `sql` as `role` on one connection, with the tenant set for the transaction (or not). */
async function asRole<T extends pg.QueryResultRow>(
  role: "owner" | "app",
  tenant: string | null,
  sql: string,
  params: unknown[] = [],
) {
  const client = new pg.Client({ connectionString: role === "owner" ? db.ownerUrl : db.appUrl });
  await client.connect();
  try {
    await client.query("begin");
    if (tenant !== null) {
      await client.query("select set_config('app.current_tenant_id', $1, true)", [tenant]);
    }
    const result = await client.query<T>(sql, params);
    await client.query("rollback");
    return result;
  } finally {
    await client.end();
  }
}

/** Outcome of a write: the number of rows it touched, or the SQLSTATE it failed with. */
async function attempt(
  role: "owner" | "app",
  tenant: string | null,
  sql: string,
  params: unknown[],
) {
  try {
    return { rows: (await asRole(role, tenant, sql, params)).rowCount ?? 0 };
  } catch (error) {
    return { code: pgErrorCode(error) };
  }
}

/** An insert statement copying `row` of `table`, leaving out identity columns. */
async function insertCopy(table: string, row: Record<string, unknown>) {
  const { rows } = await db.admin.query<{ column_name: string }>(
    `select column_name from information_schema.columns
     where table_schema = 'public' and table_name = $1 and is_identity = 'NO' order by ordinal_position`,
    [table],
  );
  const columns = rows.map((r) => pg.escapeIdentifier(r.column_name)).join(", ");
  const copy: Record<string, unknown> = {
    ...row,
    ...("part_index" in row ? { part_index: 99 } : {}),
  };
  if (table !== "channel_outbox_attempts") copy.id = crypto.randomUUID();
  return {
    sql: `insert into ${table} (${columns}) select ${columns} from json_populate_record(null::${table}, $1)`,
    params: [JSON.stringify(copy)],
  };
}

async function rowOf(table: string, tenantId: string) {
  const { rows } = await db.admin.query(`select * from ${table} where tenant_id = $1 limit 1`, [
    tenantId,
  ]);
  return rows[0] as Record<string, unknown>;
}

describe("row-level security", () => {
  it("covers every tenant table the schema has", () => {
    expect(tenantTables).toEqual([
      "channel_links",
      "channel_messages",
      "channel_outbox",
      "channel_outbox_attempts",
    ]);
  });

  it("is enabled and forced, with a policy, on every table that has tenant_id", async () => {
    const { rows } = await db.admin.query<{
      relname: string;
      relrowsecurity: boolean;
      relforcerowsecurity: boolean;
      policies: number;
    }>(
      `select c.relname, c.relrowsecurity, c.relforcerowsecurity,
              (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p')
         and exists (select 1 from pg_attribute a
                     where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`,
    );
    expect(rows.length).toBe(tenantTables.length);
    for (const row of rows) {
      expect(row, row.relname).toMatchObject({
        relrowsecurity: true,
        relforcerowsecurity: true,
      });
      expect(row.policies, row.relname).toBeGreaterThan(0);
    }
  });

  it("runs the runtime roles as neither superuser nor BYPASSRLS", async () => {
    const { rows } = await db.admin.query(
      "select rolname, rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = any($1) order by rolname",
      [[TEST_ROLES.owner, TEST_ROLES.app, TEST_ROLES.lookup]],
    );
    expect(rows).toEqual([
      { rolname: TEST_ROLES.app, rolsuper: false, rolbypassrls: false, rolcanlogin: true },
      { rolname: TEST_ROLES.lookup, rolsuper: false, rolbypassrls: true, rolcanlogin: false },
      { rolname: TEST_ROLES.owner, rolsuper: false, rolbypassrls: false, rolcanlogin: true },
    ]);
    for (const role of ["owner", "app"] as const) {
      const { rows: who } = await asRole(role, null, "select current_user as name");
      expect(who[0]?.name).toBe(role === "owner" ? TEST_ROLES.owner : TEST_ROLES.app);
    }
  });

  for (const role of ["app", "owner"] as const) {
    describe(`as the ${role} role`, () => {
      it("sees its own tenant's rows and none of another tenant's", async () => {
        for (const table of tenantTables) {
          const own = await asRole(role, a.tenantId, `select tenant_id from ${table}`);
          expect(own.rowCount, table).toBeGreaterThan(0);
          expect(new Set(own.rows.map((r) => r.tenant_id)), table).toEqual(new Set([a.tenantId]));
          const other = await asRole(
            role,
            a.tenantId,
            `select 1 from ${table} where tenant_id = $1`,
            [b.tenantId],
          );
          expect(other.rowCount, table).toBe(0);
        }
      });

      it("cannot update or delete another tenant's rows", async () => {
        for (const table of tenantTables) {
          const update = await attempt(
            role,
            a.tenantId,
            `update ${table} set tenant_id = tenant_id where tenant_id = $1`,
            [b.tenantId],
          );
          expect(update.rows ?? 0, `${table} update`).toBe(0);
          if (update.code) expect(update.code, `${table} update`).toBe("42501");
          const del = await attempt(role, a.tenantId, `delete from ${table} where tenant_id = $1`, [
            b.tenantId,
          ]);
          expect(del.rows ?? 0, `${table} delete`).toBe(0);
          if (del.code) expect(del.code, `${table} delete`).toBe("42501");
        }
        const { rows } = await db.admin.query(
          "select count(*)::int as n from channel_outbox where tenant_id = $1",
          [b.tenantId],
        );
        expect(rows[0].n).toBe(1);
      });

      it("cannot insert rows carrying another tenant's id", async () => {
        for (const table of tenantTables) {
          const { sql, params } = await insertCopy(table, await rowOf(table, b.tenantId));
          const result = await attempt(role, a.tenantId, sql, params);
          expect(result, table).toEqual({ code: "42501" });
        }
      });

      it("sees nothing and can insert nothing when no tenant is set, or an empty one", async () => {
        for (const tenant of [null, ""]) {
          for (const table of tenantTables) {
            const seen = await asRole(role, tenant, `select 1 from ${table}`);
            expect(seen.rowCount, `${table} with tenant ${tenant}`).toBe(0);
            const { sql, params } = await insertCopy(table, await rowOf(table, a.tenantId));
            expect(await attempt(role, tenant, sql, params), table).toEqual({ code: "42501" });
          }
        }
      });
    });
  }
});

describe("SECURITY DEFINER functions", () => {
  it("each fixes its search_path and is executable by named roles only, never PUBLIC", async () => {
    const { rows } = await db.admin.query<{
      name: string;
      config: string[] | null;
      public_execute: boolean;
      grantees: string[];
    }>(
      `select p.proname as name, p.proconfig as config,
              has_function_privilege('public', p.oid, 'execute') as public_execute,
              array(select r.rolname from pg_roles r
                    where has_function_privilege(r.oid, p.oid, 'execute') and not r.rolsuper
                      and r.rolname = any($1) order by 1) as grantees
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.prosecdef order by 1`,
      [[TEST_ROLES.owner, TEST_ROLES.app, TEST_ROLES.lookup]],
    );
    expect(rows.map((row) => row.name)).toEqual([
      "enqueue_first_send_outbound",
      "enqueue_send_outbound",
      "migration_status",
      "outbox_depth",
      "resolve_channel_link",
      "tenant_of_link",
      "tenant_of_outbox",
      "tenants_with_outbox_work",
    ]);
    for (const row of rows) {
      expect(row.config, row.name).toContain("search_path=pg_catalog, pg_temp");
      expect(row.public_execute, row.name).toBe(false);
    }
  });

  it("lets the app role see across tenants only through counts and the link it names", async () => {
    const depth = await asRole(
      "app",
      null,
      "select status, count from public.outbox_depth() order by status",
    );
    expect(depth.rows).toEqual([
      { status: "pending", count: "2" },
      { status: "sending", count: "0" },
    ]);
    const link = await asRole(
      "app",
      null,
      "select tenant_id from public.resolve_channel_link('webhook', $1)",
      [b.linkId],
    );
    expect(link.rows).toEqual([{ tenant_id: b.tenantId }]);
    await expect(
      asRole("app", null, "select public.tenant_of_link($1)", [b.linkId]),
    ).rejects.toMatchObject({
      code: "42501",
    });
  });
});

describe("channel_outbox constraints", () => {
  it("accepts only pending, sending, sent and dead as a status", async () => {
    const insert = (status: string) =>
      db.admin.query(
        `insert into channel_outbox (tenant_id, channel_message_id, part_index, channel_link_id, provider,
           conversation_id, content, status, max_attempts, claim_token, locked_at, sent_at, dead_reason)
         values ($1, $2, $3, $4, 'webhook', 'c', 'x', $5, 3,
           case when $5 = 'sending' then gen_random_uuid() end,
           case when $5 = 'sending' then now() end,
           case when $5 = 'sent' then now() end,
           case when $5 = 'dead' then 'permanent' end)`,
        [a.tenantId, a.messageId, Math.floor(Math.random() * 1e6) + 1, a.linkId, status],
      );
    for (const status of ["pending", "sending", "sent", "dead"]) {
      await expect(insert(status), status).resolves.toBeDefined();
    }
    for (const status of ["bogus", "PENDING", "", "failed"]) {
      await expect(insert(status), status).rejects.toMatchObject({ code: "23514" });
    }
  });
});
