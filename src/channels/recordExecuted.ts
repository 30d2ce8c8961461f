import type { Queryable } from "../outbox/outboxQueries.ts";

/**
 * Records `executed` and, when the reply has parts, inserts its outbox rows and the first
 * part's sendOutbound job: one statement (`public.inbound_record_executed`), so on a pool all
 * of it commits or none of it does. Throws when the reply cannot be enqueued (the caller then
 * records dispatch_failed). `recorded` false: the lease was lost, nothing was written.
 */
export async function recordExecuted(
  db: Queryable,
  input: {
    tenantId: string;
    messageId: string;
    leaseUntil: Date;
    /** The reply's ordered parts; none for an executed decision without a reply. */
    parts: readonly string[];
    maxAttempts: number;
  },
): Promise<{ recorded: boolean; outboxIds: string[] }> {
  const { rows } = await db.query<{ recorded: boolean; outbox_ids: string[] | null }>(
    "select * from public.inbound_record_executed($1, $2, $3, $4, $5)",
    [input.tenantId, input.messageId, input.leaseUntil, input.parts, input.maxAttempts],
  );
  const row = rows[0];
  return { recorded: row?.recorded === true, outboxIds: row?.outbox_ids ?? [] };
}
