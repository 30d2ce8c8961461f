import type { ClientBase } from "pg";
import type { ProviderName } from "../providers/providerName.ts";

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
 * Inserts the reply's outbox rows and adds the sendOutbound job, on the caller's client and
 * therefore in the caller's transaction (which must have the tenant set): both commit or
 * neither does. Only the first part gets a job; each sent part enqueues the next, so parts
 * arrive in order. Two round trips.
 */
export async function enqueueOutbound(
  client: ClientBase,
  reply: OutboundReply,
): Promise<{ outboxIds: string[] }> {
  if (reply.parts.length === 0) throw new Error("a reply needs at least one part");
  const { rows } = await client.query<{ id: string; part_index: number }>(
    `insert into public.channel_outbox
       (tenant_id, channel_message_id, part_index, channel_link_id, provider, conversation_id,
        thread_ref, content, max_attempts)
     select $1, $2, part.ordinality - 1, $3, $4, $5, $6, part.content, $7
     from unnest($8::text[]) with ordinality as part(content, ordinality)
     returning id, part_index`,
    [
      reply.tenantId,
      reply.channelMessageId,
      reply.channelLinkId,
      reply.provider,
      reply.conversationId,
      reply.threadRef ?? null,
      reply.maxAttempts,
      reply.parts,
    ],
  );
  const ordered = rows.sort((x, y) => x.part_index - y.part_index);
  const first = ordered[0];
  if (!first) throw new Error("outbox insert returned no rows");
  await client.query("select public.enqueue_send_outbound($1)", [first.id]);
  return { outboxIds: ordered.map((row) => row.id) };
}
