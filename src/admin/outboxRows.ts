import type { ProviderName } from "../providers/providerName.ts";

export const outboxStatuses = ["pending", "sending", "sent", "dead"] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

export function isOutboxStatus(value: string): value is OutboxStatus {
  return (outboxStatuses as readonly string[]).includes(value);
}

/** An outbox row as operators see it (the reply text only in `outbox show`). */
export interface OutboxRow {
  readonly id: string;
  readonly tenantId: string;
  readonly linkId: string;
  readonly messageId: string;
  readonly partIndex: number;
  readonly provider: ProviderName;
  readonly conversationId: string;
  readonly threadRef: string | null;
  readonly status: OutboxStatus;
  readonly attemptCount: number;
  readonly maxAttempts: number;
  readonly nextAttemptAt: Date;
  readonly lockedAt: Date | null;
  readonly lastError: string | null;
  readonly deadReason: string | null;
  readonly providerMessageId: string | null;
  readonly sentAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const outboxColumns = `o.id, o.tenant_id as "tenantId", o.channel_link_id as "linkId",
  o.channel_message_id as "messageId", o.part_index as "partIndex", o.provider,
  o.conversation_id as "conversationId", o.thread_ref as "threadRef", o.status,
  o.attempt_count as "attemptCount", o.max_attempts as "maxAttempts",
  o.next_attempt_at as "nextAttemptAt", o.locked_at as "lockedAt", o.last_error as "lastError",
  o.dead_reason as "deadReason", o.provider_message_id as "providerMessageId",
  o.sent_at as "sentAt", o.created_at as "createdAt", o.updated_at as "updatedAt"`;

/**
 * Holds for an outbox row `o` that is the first unsent part of its reply. Each sent part
 * enqueues the next, so only such rows get a job from resume and replay (parts stay in order).
 */
export const isFirstUnsentPart = `not exists (
  select 1 from public.channel_outbox earlier
  where earlier.channel_message_id = o.channel_message_id
    and earlier.part_index < o.part_index and earlier.status <> 'sent')`;
