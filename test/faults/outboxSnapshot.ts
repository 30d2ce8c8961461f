import type pg from "pg";

export interface MessageRow {
  id: string;
  tenant_id: string;
  channel_link_id: string;
  external_message_id: string;
  status: string;
  reason: string | null;
}

export interface OutboxRow {
  id: string;
  tenant_id: string;
  channel_message_id: string;
  part_index: number;
  channel_link_id: string;
  conversation_id: string;
  content: string;
  status: string;
  attempt_count: number;
  max_attempts: number;
  dead_reason: string | null;
  last_error: string | null;
}

export interface AttemptRow {
  outbox_id: string;
  attempt_number: number;
  outcome: string;
  error_class: string | null;
  ambiguous: boolean;
  /** ECONNREFUSED, TimeoutError (the worker's own send timeout ended the request)… */
  provider_code: string | null;
  started_at: Date;
  duration_ms: number;
}

export interface OutboxSnapshot {
  messages: MessageRow[];
  outbox: OutboxRow[];
  attempts: AttemptRow[];
}

/** The scenario's rows, read as the superuser (the checks look across tenants on purpose). */
export async function readOutboxSnapshot(
  admin: pg.Pool,
  tenantIds: readonly string[],
): Promise<OutboxSnapshot> {
  const ids = [...tenantIds];
  const messages = await admin.query<MessageRow>(
    `select id, tenant_id, channel_link_id, external_message_id, status, reason
     from public.channel_messages where tenant_id = any($1)`,
    [ids],
  );
  const outbox = await admin.query<OutboxRow>(
    `select id, tenant_id, channel_message_id, part_index, channel_link_id, conversation_id, content,
       status, attempt_count, max_attempts, dead_reason, last_error
     from public.channel_outbox where tenant_id = any($1)`,
    [ids],
  );
  const attempts = await admin.query<AttemptRow>(
    `select outbox_id, attempt_number, outcome, error_class, ambiguous, provider_code, started_at,
       round(extract(epoch from (finished_at - started_at)) * 1000)::int as duration_ms
     from public.channel_outbox_attempts where tenant_id = any($1)`,
    [ids],
  );
  return { messages: messages.rows, outbox: outbox.rows, attempts: attempts.rows };
}

/** Counts of work still open: the quiescence condition. */
export async function openWork(
  admin: pg.Pool,
  tenantIds: readonly string[],
  waitingLinks: readonly string[] = [],
): Promise<{ received: number; active: number }> {
  const { rows } = await admin.query<{ received: number; active: number }>(
    `select
       (select count(*)::int from public.channel_messages
         where tenant_id = any($1) and status = 'received') as received,
       (select count(*)::int from public.channel_outbox
         where tenant_id = any($1) and status in ('pending', 'sending')
           and not (channel_link_id = any($2::uuid[]))) as active`,
    [[...tenantIds], [...waitingLinks]],
  );
  return rows[0]!;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
