import type { Pool } from "pg";
import { withTenant } from "../db/withTenant.ts";
import { AdminError } from "./adminError.ts";
import { type OutboxRow, outboxColumns } from "./outboxRows.ts";
import { tenantOfOutbox } from "./tenantOf.ts";

export interface OutboxAttempt {
  readonly attemptNumber: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly outcome: "sent" | "retry" | "dead" | "abandoned";
  readonly errorClass: string | null;
  readonly ambiguous: boolean;
  readonly providerStatus: number | null;
  readonly providerCode: string | null;
  readonly error: string | null;
  readonly durationMs: number | null;
}

export interface OutboxDetails extends OutboxRow {
  readonly content: string;
  readonly attempts: OutboxAttempt[];
}

/** One outbox row with its reply text and every attempt, oldest first. */
export async function showOutbox(pool: Pool, outboxId: string): Promise<OutboxDetails> {
  const tenantId = await tenantOfOutbox(pool, outboxId);
  return withTenant(pool, tenantId, async (client) => {
    const { rows } = await client.query<OutboxRow & { content: string }>(
      `select ${outboxColumns}, o.content from public.channel_outbox o where o.id = $1`,
      [outboxId],
    );
    const row = rows[0];
    if (!row) throw new AdminError(`no outbox row ${outboxId}`);
    const attempts = await client.query<OutboxAttempt>(
      `select attempt_number as "attemptNumber", started_at as "startedAt",
         finished_at as "finishedAt", outcome, error_class as "errorClass", ambiguous,
         provider_status as "providerStatus", provider_code as "providerCode", error,
         duration_ms as "durationMs"
       from public.channel_outbox_attempts where outbox_id = $1
       order by attempt_number, id`,
      [outboxId],
    );
    return { ...row, attempts: attempts.rows };
  });
}
