import type { Pool, PoolClient } from "pg";
import { withTenant } from "../db/withTenant.ts";
import { AdminError } from "./adminError.ts";
import { isFirstUnsentPart, type OutboxRow, outboxColumns } from "./outboxRows.ts";
import { tenantOfOutbox } from "./tenantOf.ts";
import { getTenant } from "./tenants.ts";

export type ReplaySelector =
  | { readonly outboxId: string }
  | { readonly tenantId: string; readonly linkId?: string | undefined };

export interface ReplayResult {
  readonly dryRun: boolean;
  /** The rows replayed, as they are now (on a dry run: the dead rows that would be). */
  readonly rows: OutboxRow[];
  /** Rows that got a sendOutbound job: the first unsent part of each reply. */
  readonly enqueued: string[];
}

async function selectDead(client: PoolClient, selector: ReplaySelector): Promise<OutboxRow[]> {
  if ("outboxId" in selector) {
    const { rows } = await client.query<OutboxRow>(
      `select ${outboxColumns} from public.channel_outbox o where o.id = $1 for update`,
      [selector.outboxId],
    );
    const row = rows[0];
    if (!row) throw new AdminError(`no outbox row ${selector.outboxId}`);
    if (row.status !== "dead") {
      throw new AdminError(`outbox row ${row.id} is ${row.status}: only dead rows are replayed`);
    }
    return rows;
  }
  if (selector.linkId) {
    const link = await client.query("select 1 from public.channel_links where id = $1", [
      selector.linkId,
    ]);
    if (link.rowCount === 0) {
      throw new AdminError(`no channel link ${selector.linkId} in tenant ${selector.tenantId}`);
    }
  }
  const { rows } = await client.query<OutboxRow>(
    `select ${outboxColumns} from public.channel_outbox o
     where o.status = 'dead' and ($1::uuid is null or o.channel_link_id = $1)
     order by o.created_at, o.part_index
     for update`,
    [selector.linkId ?? null],
  );
  return rows;
}

/**
 * Dead rows back to pending with a fresh attempt budget (last_error kept for the record)
 * and a job, in one tenant transaction. A dry run selects the same rows and changes nothing.
 * The deliver-by age counts from created_at, so a replay restarts it there: otherwise a
 * reply that died a day ago would die again, `expired`, on its first claim.
 */
export async function replayOutbox(
  pool: Pool,
  selector: ReplaySelector,
  options: { dryRun: boolean },
): Promise<ReplayResult> {
  const tenantId =
    "outboxId" in selector
      ? await tenantOfOutbox(pool, selector.outboxId)
      : (await getTenant(pool, selector.tenantId)).id;
  return withTenant(pool, tenantId, async (client) => {
    const rows = await selectDead(client, selector);
    if (options.dryRun || rows.length === 0) return { dryRun: options.dryRun, rows, enqueued: [] };
    const ids = rows.map((row) => row.id);
    const updated = await client.query<OutboxRow>(
      `update public.channel_outbox as o
       set status = 'pending', attempt_count = 0, dead_reason = null, next_attempt_at = now(),
           locked_at = null, claim_token = null, created_at = now(), updated_at = now()
       where o.id = any($1::uuid[])
       returning ${outboxColumns}`,
      [ids],
    );
    const byId = new Map(updated.rows.map((row) => [row.id, row]));
    const heads = await client.query<{ id: string }>(
      `select o.id from public.channel_outbox o
       where o.id = any($1::uuid[]) and ${isFirstUnsentPart}
       order by o.created_at, o.part_index`,
      [ids],
    );
    for (const head of heads.rows) {
      await client.query("select public.enqueue_send_outbound($1)", [head.id]);
    }
    return {
      dryRun: false,
      rows: ids.map((id) => byId.get(id) as OutboxRow),
      enqueued: heads.rows.map((head) => head.id),
    };
  });
}
