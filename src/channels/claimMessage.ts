import type { Queryable } from "../outbox/outboxQueries.ts";
import type { NormalizedMessage } from "../providers/inboundProvider.ts";

export type ClaimResult =
  /** This delivery holds the lease until `leaseUntil` and runs the agent. */
  | { readonly kind: "claimed"; readonly messageId: string; readonly leaseUntil: Date }
  /** Already decided (executed, denied, ignored): acknowledge, do not run the agent again. */
  | { readonly kind: "decided"; readonly messageId: string; readonly status: string }
  /** Another delivery holds a live lease (or just finished with a failure it answered itself). */
  | { readonly kind: "inProgress"; readonly messageId: string };

interface Row extends Record<string, unknown> {
  kind: "claimed" | "decided" | "in_progress";
  message_id: string;
  message_status: string;
  lease_until: Date | null;
}

/**
 * Records the message once (unique per link and external id) and takes its processing lease
 * with one compare-and-set (`public.inbound_claim_message`, which says what is claimable).
 * One statement that scopes itself to the tenant: on a pool it is its own transaction.
 */
export async function claimMessage(
  db: Queryable,
  input: {
    tenantId: string;
    linkId: string;
    message: NormalizedMessage;
    leaseMs: number;
  },
): Promise<ClaimResult> {
  const { message } = input;
  const { rows } = await db.query<Row>(
    "select * from public.inbound_claim_message($1, $2, $3, $4, $5, $6, $7, $8)",
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
  const row = rows[0];
  if (!row) throw new Error("inbound_claim_message returned no row");
  switch (row.kind) {
    case "claimed":
      if (!row.lease_until) throw new Error("a claimed message has no lease");
      return { kind: "claimed", messageId: row.message_id, leaseUntil: row.lease_until };
    case "decided":
      return { kind: "decided", messageId: row.message_id, status: row.message_status };
    case "in_progress":
      return { kind: "inProgress", messageId: row.message_id };
  }
}
