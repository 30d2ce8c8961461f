import type { ClientBase } from "pg";

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
 */
export async function recordDecision(
  client: ClientBase,
  input: { messageId: string; leaseUntil: Date; status: DecisionStatus; reason?: string | null },
): Promise<boolean> {
  const { rowCount } = await client.query(
    `update public.channel_messages
     set status = $3, reason = $4, decided_at = now(), processing_until = null
     where id = $1 and status = 'received' and processing_until = $2`,
    [input.messageId, input.leaseUntil, input.status, input.reason?.slice(0, 2000) ?? null],
  );
  return rowCount === 1;
}
