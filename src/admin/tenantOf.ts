import type { Pool } from "pg";
import { AdminError } from "./adminError.ts";

const lookups = {
  link: "select public.tenant_of_link($1) as tenant_id",
  outbox: "select public.tenant_of_outbox($1) as tenant_id",
} as const;

/**
 * Which tenant owns a link or outbox row. The owner sees no rows without a tenant set
 * (FORCE RLS), so this asks the narrow lookup function owned by the lookup role.
 */
async function tenantOf(pool: Pool, kind: keyof typeof lookups, id: string): Promise<string> {
  const { rows } = await pool.query<{ tenant_id: string | null }>(lookups[kind], [id]);
  const tenantId = rows[0]?.tenant_id;
  if (!tenantId) {
    throw new AdminError(`no ${kind === "link" ? "channel link" : "outbox row"} ${id}`);
  }
  return tenantId;
}

export const tenantOfLink = (pool: Pool, linkId: string) => tenantOf(pool, "link", linkId);
export const tenantOfOutbox = (pool: Pool, outboxId: string) => tenantOf(pool, "outbox", outboxId);
