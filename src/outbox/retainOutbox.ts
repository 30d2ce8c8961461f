import type { PoolClient } from "pg";
import { inTenantTransaction } from "../db/withTenant.ts";
import type { Logger } from "../logging/logger.ts";

export interface RetentionSettings {
  /** `sent` rows whose sent_at is older than this are deleted (with their attempts). */
  readonly sentRetainMs: number;
  /** `dead` rows untouched for longer than this are deleted; longer, so operators can replay. */
  readonly deadRetainMs: number;
  /** Rows deleted per transaction: bounds lock time, WAL burst and replication lag. */
  readonly batchSize: number;
  /** Batches per tenant per run, so one run stays bounded; the next run continues. */
  readonly maxBatchesPerTenant: number;
}

export interface RetentionSummary {
  tenants: number;
  sentDeleted: number;
  deadDeleted: number;
  /** Tenants that still had rows to delete when their batch budget ran out. */
  tenantsWithBacklog: number;
}

/** A client for the duration of `fn` (graphile-worker's helpers.withPgClient, or a pool). */
export type WithClient = <T>(fn: (client: PoolClient) => Promise<T>) => Promise<T>;

type Status = "sent" | "dead";

// next_attempt_at <= sent_at (a row is only claimed once due) and <= updated_at of a dead row,
// so the redundant bound on next_attempt_at lets the (tenant_id, status, next_attempt_at)
// index stop at the cutoff instead of visiting every young row of the tenant.
const ageColumn: Record<Status, string> = { sent: "sent_at", dead: "updated_at" };

function deleteBatchSql(status: Status): string {
  // Materialized: a semi-join may rescan a LIMIT … SKIP LOCKED subquery and delete more than a
  // batch. `= any(array(…))` keeps the delete on the primary key instead of a hash join that
  // scans every row of the tenant.
  return `with batch as materialized (
      select c.id from public.channel_outbox c
      where c.status = '${status}'
        and c.next_attempt_at < now() - $1::double precision * interval '1 millisecond'
        and c.${ageColumn[status]} < now() - $1::double precision * interval '1 millisecond'
      limit $2
      for update skip locked
    )
    delete from public.channel_outbox o where o.id = any (array(select id from batch))`;
}

/**
 * Deletes old `sent` and (later) `dead` outbox rows; their attempts go with them through the
 * foreign key's cascade. Each tenant is handled in its own context (RLS stays on), one bounded
 * batch per transaction. Reads the tenant list as the owner role (tenants has no RLS).
 */
export async function retainOutbox(
  withClient: WithClient,
  settings: RetentionSettings,
  logger: Logger,
): Promise<RetentionSummary> {
  const tenants = await withClient(async (client) => {
    const { rows } = await client.query<{ id: string }>(
      "select id from public.tenants order by id",
    );
    return rows.map((row) => row.id);
  });
  const summary: RetentionSummary = {
    tenants: tenants.length,
    sentDeleted: 0,
    deadDeleted: 0,
    tenantsWithBacklog: 0,
  };
  for (const tenantId of tenants) {
    let budget = settings.maxBatchesPerTenant;
    const sent = await deleteOld(
      withClient,
      tenantId,
      "sent",
      settings.sentRetainMs,
      settings,
      budget,
    );
    budget -= sent.batches;
    const dead = await deleteOld(
      withClient,
      tenantId,
      "dead",
      settings.deadRetainMs,
      settings,
      budget,
    );
    summary.sentDeleted += sent.deleted;
    summary.deadDeleted += dead.deleted;
    if (sent.backlog || dead.backlog) summary.tenantsWithBacklog += 1;
    if (sent.deleted + dead.deleted > 0) {
      logger.debug(
        { tenantId, sentDeleted: sent.deleted, deadDeleted: dead.deleted },
        "outbox retention deleted rows",
      );
    }
  }
  return summary;
}

async function deleteOld(
  withClient: WithClient,
  tenantId: string,
  status: Status,
  retainMs: number,
  settings: RetentionSettings,
  budget: number,
): Promise<{ deleted: number; batches: number; backlog: boolean }> {
  const sql = deleteBatchSql(status);
  let deleted = 0;
  let batches = 0;
  for (;;) {
    if (batches >= budget) return { deleted, batches, backlog: true };
    const count = await withClient((client) =>
      inTenantTransaction(client, tenantId, async (tx) => {
        const result = await tx.query(sql, [retainMs, settings.batchSize]);
        return result.rowCount ?? 0;
      }),
    );
    batches += 1;
    deleted += count;
    if (count < settings.batchSize) return { deleted, batches, backlog: false };
  }
}
