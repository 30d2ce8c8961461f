import type { DeliveryError } from "../providers/deliveryError.ts";
import type { Queryable } from "./outboxQueries.ts";

/** Identifies one claim: a mark applies only while the row still carries this token. */
export interface Claim {
  readonly tenantId: string;
  readonly outboxId: string;
  readonly claimToken: string;
  /** When the send started; the attempt row's started_at. */
  readonly startedAt: Date;
}

async function applied(db: Queryable, sql: string, values: unknown[]): Promise<boolean> {
  const { rows } = await db.query<{ applied: boolean }>(`select ${sql} as applied`, values);
  return rows[0]?.applied === true;
}

function failure(error: DeliveryError | undefined) {
  return [
    error?.errorClass ?? null,
    error?.ambiguous ?? false,
    error?.providerStatus ?? null,
    error?.providerCode ?? null,
    error?.message ?? null,
  ];
}

/** sending → sent with the provider's message id; the next part of the reply gets its job. */
export function markSent(db: Queryable, claim: Claim, providerMessageId: string) {
  return applied(db, "public.outbox_mark_sent($1, $2, $3, $4, $5)", [
    claim.tenantId,
    claim.outboxId,
    claim.claimToken,
    providerMessageId,
    claim.startedAt,
  ]);
}

/**
 * `markSent` for many claims of one tenant in one statement; returns the ids it applied to
 * (a claim lost to recovery meanwhile is left out).
 */
export async function markSentBatch(
  db: Queryable,
  tenantId: string,
  sent: readonly { claim: Claim; providerMessageId: string }[],
): Promise<Set<string>> {
  if (sent.length === 0) return new Set();
  const { rows } = await db.query<{ applied: string[] }>(
    "select public.outbox_mark_sent_batch($1, $2, $3, $4, $5) as applied",
    [
      tenantId,
      sent.map((s) => s.claim.outboxId),
      sent.map((s) => s.claim.claimToken),
      sent.map((s) => s.providerMessageId),
      sent.map((s) => s.claim.startedAt),
    ],
  );
  return new Set(rows[0]?.applied ?? []);
}

/** sending → pending in delayMs (database time), with a job scheduled for then. */
export function markRetry(
  db: Queryable,
  claim: Claim,
  retry: { delayMs: number; refund?: boolean; conversationId?: string | undefined },
  error: DeliveryError,
) {
  return applied(
    db,
    "public.outbox_mark_retry($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    [
      claim.tenantId,
      claim.outboxId,
      claim.claimToken,
      Math.round(retry.delayMs),
      claim.startedAt,
      ...failure(error),
      retry.refund ?? false,
      retry.conversationId ?? null,
    ],
  );
}

export type DeadReason = "permanent" | "exhausted" | "expired";

/** sending → dead with a reason; later parts of the same reply die with it. */
export function markDead(
  db: Queryable,
  claim: Claim,
  reason: DeadReason,
  error: DeliveryError | undefined,
  message = error?.message,
) {
  const [errorClass, ambiguous, status, code] = failure(error);
  return applied(db, "public.outbox_mark_dead($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", [
    claim.tenantId,
    claim.outboxId,
    claim.claimToken,
    reason,
    claim.startedAt,
    errorClass,
    ambiguous,
    status,
    code,
    message ?? null,
  ]);
}

/** A link-level failure: pause the row's link and give the row its attempt back. */
export function pauseLinkForRow(db: Queryable, claim: Claim, error: DeliveryError) {
  return applied(db, "public.outbox_pause_link($1, $2, $3, $4, $5, $6, $7)", [
    claim.tenantId,
    claim.outboxId,
    claim.claimToken,
    claim.startedAt,
    error.providerStatus ?? null,
    error.providerCode ?? null,
    error.message,
  ]);
}
