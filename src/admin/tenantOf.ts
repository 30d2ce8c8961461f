import type { Pool } from "pg";
import { withTenant } from "../db/withTenant.ts";
import { AdminError } from "./adminError.ts";
import { listTenants } from "./tenants.ts";

const tables = { link: "public.channel_links", outbox: "public.channel_outbox" } as const;

/**
 * Which tenant owns a link or outbox row. The owner sees no rows without a tenant set
 * (FORCE RLS), so this walks the tenants, one tenant transaction each: fine for an
 * operator tool. A SECURITY DEFINER lookup owned by the lookup role would make it one
 * query; this is the one place to swap it in.
 */
async function tenantOf(pool: Pool, kind: keyof typeof tables, id: string): Promise<string> {
  for (const tenant of await listTenants(pool)) {
    const found = await withTenant(pool, tenant.id, async (client) => {
      const { rowCount } = await client.query(`select 1 from ${tables[kind]} where id = $1`, [id]);
      return (rowCount ?? 0) > 0;
    });
    if (found) return tenant.id;
  }
  throw new AdminError(`no ${kind === "link" ? "channel link" : "outbox row"} ${id}`);
}

export const tenantOfLink = (pool: Pool, linkId: string) => tenantOf(pool, "link", linkId);
export const tenantOfOutbox = (pool: Pool, outboxId: string) => tenantOf(pool, "outbox", outboxId);
