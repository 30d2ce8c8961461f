import type { ProviderName } from "../providers/providerName.ts";
import type { Queryable } from "./outboxQueries.ts";

export interface ClaimedRow {
  readonly id: string;
  readonly tenantId: string;
  readonly channelMessageId: string;
  readonly partIndex: number;
  readonly channelLinkId: string;
  readonly provider: ProviderName;
  readonly conversationId: string;
  readonly threadRef: string | null;
  readonly content: string;
  readonly attemptCount: number;
  readonly maxAttempts: number;
  readonly claimToken: string;
  readonly lockedAt: Date;
  readonly createdAt: Date;
  /** The database's clock at claim time: deadlines are computed against it, not Node's. */
  readonly dbNow: Date;
  readonly externalAccountId: string | null;
  readonly sealedCredentials: string | null;
  readonly settings: Record<string, unknown>;
}

interface Row extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  channel_message_id: string;
  part_index: number;
  channel_link_id: string;
  provider: ProviderName;
  conversation_id: string;
  thread_ref: string | null;
  content: string;
  attempt_count: number;
  max_attempts: number;
  claim_token: string;
  locked_at: Date;
  created_at: Date;
  db_now: Date;
  external_account_id: string | null;
  outbound_credentials: string | null;
  settings: Record<string, unknown>;
}

/**
 * pending and due → sending, in the tenant's context, in one statement: stamps locked_at and
 * a fresh claim token and counts the attempt. Nothing when the row is not claimable (already
 * taken, final, not due, its link paused, or an earlier part of its reply not yet sent).
 */
export async function claimOutbox(
  db: Queryable,
  tenantId: string,
  outboxId: string,
): Promise<ClaimedRow | undefined> {
  const { rows } = await db.query<Row>("select * from public.outbox_claim($1, $2)", [
    tenantId,
    outboxId,
  ]);
  return rows[0] && toClaimedRow(rows[0]);
}

/**
 * The batch form, also one statement: the row itself as `claimOutbox` claims it and, only if
 * that succeeded, up to `limit - 1` more due rows of the same link (oldest first), each under
 * the same rules; the companions' own jobs are removed. The job's row comes first.
 */
export async function claimOutboxBatch(
  db: Queryable,
  tenantId: string,
  outboxId: string,
  limit: number,
): Promise<ClaimedRow[]> {
  const { rows } = await db.query<Row>("select * from public.outbox_claim_batch($1, $2, $3)", [
    tenantId,
    outboxId,
    limit,
  ]);
  return rows.map(toClaimedRow);
}

function toClaimedRow(row: Row): ClaimedRow {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    channelMessageId: row.channel_message_id,
    partIndex: row.part_index,
    channelLinkId: row.channel_link_id,
    provider: row.provider,
    conversationId: row.conversation_id,
    threadRef: row.thread_ref,
    content: row.content,
    attemptCount: row.attempt_count,
    maxAttempts: row.max_attempts,
    claimToken: row.claim_token,
    lockedAt: row.locked_at,
    createdAt: row.created_at,
    dbNow: row.db_now,
    externalAccountId: row.external_account_id,
    sealedCredentials: row.outbound_credentials,
    settings: row.settings,
  };
}
