import type { Pool, PoolClient } from "pg";
import { withTenant } from "../db/withTenant.ts";
import type { ProviderName } from "../providers/providerName.ts";
import { AdminError } from "./adminError.ts";
import { isFirstUnsentPart } from "./outboxRows.ts";
import { tenantOfLink } from "./tenantOf.ts";
import { tenantIdsFor } from "./tenants.ts";

/** A channel link as operators see it: never its secrets. */
export interface Link {
  readonly id: string;
  readonly tenantId: string;
  readonly provider: ProviderName;
  readonly name: string;
  readonly externalAccountId: string | null;
  readonly settings: Record<string, unknown>;
  readonly status: "active" | "paused" | "disabled";
  readonly pausedReason: string | null;
  readonly pausedUntil: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

// Listed column by column so inbound_secret and outbound_credentials can never slip out.
export const linkColumns = `id, tenant_id as "tenantId", provider, name,
  external_account_id as "externalAccountId", settings, status,
  paused_reason as "pausedReason", paused_until as "pausedUntil",
  created_at as "createdAt", updated_at as "updatedAt"`;

export async function listLinks(pool: Pool, filter: { tenantId?: string } = {}): Promise<Link[]> {
  const links: Link[] = [];
  for (const tenantId of await tenantIdsFor(pool, filter.tenantId)) {
    const rows = await withTenant(pool, tenantId, async (client) => {
      const result = await client.query<Link>(
        `select ${linkColumns} from public.channel_links order by created_at, id`,
      );
      return result.rows;
    });
    links.push(...rows);
  }
  return links;
}

export interface LinkDetails extends Link {
  /** Outbox rows of this link by status. */
  readonly outbox: Record<string, number>;
}

async function selectLink(client: PoolClient, linkId: string): Promise<Link> {
  const { rows } = await client.query<Link>(
    `select ${linkColumns} from public.channel_links where id = $1`,
    [linkId],
  );
  if (!rows[0]) throw new AdminError(`no channel link ${linkId}`);
  return rows[0];
}

export async function getLink(pool: Pool, linkId: string): Promise<LinkDetails> {
  const tenantId = await tenantOfLink(pool, linkId);
  return withTenant(pool, tenantId, async (client) => {
    const link = await selectLink(client, linkId);
    const { rows } = await client.query<{ status: string; count: number }>(
      `select status, count(*)::int as count from public.channel_outbox
       where channel_link_id = $1 group by status order by status`,
      [linkId],
    );
    return { ...link, outbox: Object.fromEntries(rows.map((row) => [row.status, row.count])) };
  });
}

export async function pauseLink(
  pool: Pool,
  linkId: string,
  pause: { reason: string; until?: Date | undefined },
): Promise<Link> {
  const tenantId = await tenantOfLink(pool, linkId);
  return withTenant(pool, tenantId, async (client) => {
    const { rows } = await client.query<Link>(
      `update public.channel_links
       set status = 'paused', paused_reason = $2, paused_until = $3, updated_at = now()
       where id = $1 returning ${linkColumns}`,
      [linkId, pause.reason, pause.until ?? null],
    );
    if (!rows[0]) throw new AdminError(`no channel link ${linkId}`);
    return rows[0];
  });
}

/** Sets the link active and gives its pending rows a job (first unsent parts), in one transaction. */
export async function resumeLink(
  pool: Pool,
  linkId: string,
): Promise<{ link: Link; enqueued: string[] }> {
  const tenantId = await tenantOfLink(pool, linkId);
  return withTenant(pool, tenantId, async (client) => {
    const { rows } = await client.query<Link>(
      `update public.channel_links
       set status = 'active', paused_reason = null, paused_until = null, updated_at = now()
       where id = $1 returning ${linkColumns}`,
      [linkId],
    );
    const link = rows[0];
    if (!link) throw new AdminError(`no channel link ${linkId}`);
    const pending = await client.query<{ id: string }>(
      `select o.id from public.channel_outbox o
       where o.channel_link_id = $1 and o.status = 'pending' and ${isFirstUnsentPart}
       order by o.created_at, o.part_index`,
      [linkId],
    );
    for (const row of pending.rows) {
      await client.query("select public.enqueue_send_outbound($1)", [row.id]);
    }
    return { link, enqueued: pending.rows.map((row) => row.id) };
  });
}
