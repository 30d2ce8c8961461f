import type { Pool } from "pg";
import { withTenant } from "../db/withTenant.ts";
import { AdminError } from "./adminError.ts";
import { type OutboxRow, type OutboxStatus, outboxColumns } from "./outboxRows.ts";
import { tenantOfLink } from "./tenantOf.ts";
import { tenantIdsFor } from "./tenants.ts";

export interface OutboxFilter {
  readonly tenantId?: string | undefined;
  readonly linkId?: string | undefined;
  readonly status?: OutboxStatus | undefined;
  /** Newest first, at most this many across all tenants walked. */
  readonly limit: number;
}

/** The newest outbox rows matching the filter, walking tenants (one transaction each). */
export async function listOutbox(pool: Pool, filter: OutboxFilter): Promise<OutboxRow[]> {
  let tenantIds: string[];
  if (filter.linkId) {
    const owner = await tenantOfLink(pool, filter.linkId);
    if (filter.tenantId && filter.tenantId !== owner) {
      throw new AdminError(
        `channel link ${filter.linkId} is not a link of tenant ${filter.tenantId}`,
      );
    }
    tenantIds = [owner];
  } else {
    tenantIds = await tenantIdsFor(pool, filter.tenantId);
  }
  const rows: OutboxRow[] = [];
  for (const tenantId of tenantIds) {
    const found = await withTenant(pool, tenantId, async (client) => {
      const result = await client.query<OutboxRow>(
        `select ${outboxColumns} from public.channel_outbox o
         where ($1::text is null or o.status = $1)
           and ($2::uuid is null or o.channel_link_id = $2)
         order by o.created_at desc, o.part_index desc
         limit $3`,
        [filter.status ?? null, filter.linkId ?? null, filter.limit],
      );
      return result.rows;
    });
    rows.push(...found);
  }
  return rows
    .sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || y.partIndex - x.partIndex)
    .slice(0, filter.limit);
}
