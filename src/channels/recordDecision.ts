import type { Queryable } from "../outbox/outboxQueries.ts";

export type DecisionStatus =
  | "executed"
  | "denied"
  | "ignored"
  | "execution_failed"
  | "dispatch_failed";

/**
 * Sets the message's decision and releases its lease, only if this delivery still holds the
 * lease it claimed (`leaseUntil` is the lease's value, millisecond-exact). False: another
 * delivery took over after the lease ran out, and this one must not enqueue.
 * One statement (`public.inbound_record_decision`) that scopes itself to the tenant.
 */
export async function recordDecision(
  db: Queryable,
  input: {
    tenantId: string;
    messageId: string;
    leaseUntil: Date;
    status: DecisionStatus;
    reason?: string | null;
  },
): Promise<boolean> {
  const { rows } = await db.query<{ recorded: boolean }>(
    "select public.inbound_record_decision($1, $2, $3, $4, $5) as recorded",
    [input.tenantId, input.messageId, input.leaseUntil, input.status, input.reason ?? null],
  );
  return rows[0]?.recorded === true;
}
