import type { ClientBase } from "pg";
import type { NormalizedMessage } from "../providers/inboundProvider.ts";

export type ClaimResult =
  /** This delivery holds the lease until `leaseUntil` and runs the agent. */
  | { readonly kind: "claimed"; readonly messageId: string; readonly leaseUntil: Date }
  /** Already decided (executed, denied, ignored): acknowledge, do not run the agent again. */
  | { readonly kind: "decided"; readonly messageId: string; readonly status: string }
  /** Another delivery holds a live lease (or just finished with a failure it answered itself). */
  | { readonly kind: "inProgress"; readonly messageId: string };

/**
 * Records the message once (unique per link and external id) and takes its processing lease
 * with one compare-and-set: a new message, a failed one (execution_failed, dispatch_failed)
 * or a `received` one whose lease has run out is claimed; anything else is not. Concurrent
 * duplicates serialise on the unique index, so exactly one of them claims.
 * Runs on the caller's tenant transaction.
 */
export async function claimMessage(
  client: ClientBase,
  input: {
    tenantId: string;
    linkId: string;
    message: NormalizedMessage;
    leaseMs: number;
  },
): Promise<ClaimResult> {
  const { message } = input;
  const claimed = await client.query<{ id: string; processing_until: Date }>(
    `insert into public.channel_messages as m
       (tenant_id, channel_link_id, external_message_id, conversation_id, sender_id, thread_ref,
        text, status, processing_until)
     values ($1, $2, $3, $4, $5, $6, $7, 'received',
             date_trunc('milliseconds', now() + $8 * interval '1 millisecond'))
     on conflict (channel_link_id, external_message_id) do update
       set status = 'received', reason = null, decided_at = null,
           processing_until = excluded.processing_until
       where m.status in ('execution_failed', 'dispatch_failed')
          or (m.status = 'received' and (m.processing_until is null or m.processing_until < now()))
     returning m.id, m.processing_until`,
    [
      input.tenantId,
      input.linkId,
      message.externalMessageId,
      message.conversationId,
      message.senderId,
      message.threadRef ?? null,
      message.text,
      input.leaseMs,
    ],
  );
  const row = claimed.rows[0];
  if (row) return { kind: "claimed", messageId: row.id, leaseUntil: row.processing_until };

  const existing = await client.query<{ id: string; status: string }>(
    `select id, status from public.channel_messages
     where channel_link_id = $1 and external_message_id = $2`,
    [input.linkId, message.externalMessageId],
  );
  const found = existing.rows[0];
  if (!found) throw new Error("message neither claimed nor found");
  if (["executed", "denied", "ignored"].includes(found.status)) {
    return { kind: "decided", messageId: found.id, status: found.status };
  }
  return { kind: "inProgress", messageId: found.id };
}
