import type { OutboxConfig } from "../config/config.ts";
import type { Logger } from "../logging/logger.ts";
import type { Queryable } from "./outboxQueries.ts";

export interface ReconcileSummary {
  tenants: number;
  /** Stale `sending` rows put back to `pending` with an abandoned attempt. */
  recovered: number;
  /** Stale `sending` rows on their last attempt, now `dead` (exhausted). */
  exhausted: number;
  /** Overdue `pending` rows that had no job and got one. */
  requeued: number;
}

const ago = (param: string) => `now() - ${param}::double precision * interval '1 millisecond'`;

/**
 * Finds the tenants with stale or orphaned outbox rows (the one cross-tenant lookup), then
 * repairs each tenant's rows inside that tenant's context. Safe to run concurrently and
 * repeatedly: rows are locked with SKIP LOCKED and jobs are keyed per row.
 */
export async function reconcileOutbox(
  db: Queryable,
  config: Pick<OutboxConfig, "staleSendingMs" | "reconcileGraceMs">,
  logger: Logger,
): Promise<ReconcileSummary> {
  const params = [config.staleSendingMs, config.reconcileGraceMs];
  const { rows: tenants } = await db.query<{ tenant_id: string }>(
    `select tenant_id from public.tenants_with_outbox_work(${ago("$1")}, ${ago("$2")})`,
    params,
  );
  const summary: ReconcileSummary = {
    tenants: tenants.length,
    recovered: 0,
    exhausted: 0,
    requeued: 0,
  };
  for (const { tenant_id: tenantId } of tenants) {
    const { rows } = await db.query<{ recovered: number; exhausted: number; requeued: number }>(
      `select * from public.outbox_reconcile($3, ${ago("$1")}, ${ago("$2")})`,
      [...params, tenantId],
    );
    const row = rows[0];
    if (!row) continue;
    summary.recovered += row.recovered;
    summary.exhausted += row.exhausted;
    summary.requeued += row.requeued;
    if (row.recovered + row.exhausted + row.requeued > 0) {
      logger.warn({ tenantId, ...row }, "outbox reconciled: rows recovered or re-queued");
    }
  }
  return summary;
}
