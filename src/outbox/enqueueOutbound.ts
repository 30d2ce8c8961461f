import type { ProviderName } from "../providers/providerName.ts";
import type { Queryable } from "./outboxQueries.ts";

export interface OutboundReply {
  readonly tenantId: string;
  readonly channelMessageId: string;
  readonly channelLinkId: string;
  readonly provider: ProviderName;
  readonly conversationId: string;
  readonly threadRef?: string | null | undefined;
  /** One entry per ordered part (a provider's length limit may split a reply). */
  readonly parts: readonly string[];
  readonly maxAttempts: number;
}

/**
 * Inserts the reply's outbox rows and adds the sendOutbound job in one statement
 * (`public.outbox_enqueue_reply`, which scopes itself to the tenant): both commit or neither
 * does, on the caller's transaction or, on a pool, in its own. Only the first part gets a
 * job; each sent part enqueues the next, so parts arrive in order. The webhook path records
 * its decision in the same statement instead (`inbound_record_executed`).
 */
export async function enqueueOutbound(
  db: Queryable,
  reply: OutboundReply,
): Promise<{ outboxIds: string[] }> {
  if (reply.parts.length === 0) throw new Error("a reply needs at least one part");
  const { rows } = await db.query<{ outbox_ids: string[] }>(
    "select public.outbox_enqueue_reply($1, $2, $3, $4, $5, $6, $7, $8) as outbox_ids",
    [
      reply.tenantId,
      reply.channelMessageId,
      reply.channelLinkId,
      reply.provider,
      reply.conversationId,
      reply.threadRef ?? null,
      reply.parts,
      reply.maxAttempts,
    ],
  );
  const outboxIds = rows[0]?.outbox_ids;
  if (!outboxIds?.length) throw new Error("outbox_enqueue_reply returned no rows");
  return { outboxIds };
}
