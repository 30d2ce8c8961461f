import type pg from "pg";
import { checkInvariants } from "./checkInvariants.ts";
import type { FaultDatabase } from "./faultDatabase.ts";
import type { FaultLink } from "./faultTenants.ts";
import type { Receipt } from "./faultyProviders.ts";
import type { InboundEvent } from "./inboundDriver.ts";
import { openWork, readOutboxSnapshot } from "./outboxSnapshot.ts";
import { probeRls } from "./rlsProbe.ts";

export type Size = "ci" | "full";

export interface ScenarioContext {
  readonly database: FaultDatabase;
  readonly size: Size;
  readonly seed: number;
  log(line: string): void;
}

export interface ScenarioResult {
  readonly name: string;
  readonly passed: boolean;
  readonly durationMs: number;
  readonly params: Record<string, unknown>;
  readonly figures: Record<string, unknown>;
  readonly violations: string[];
}

/** Polls until no message is `received` and no row is pending/sending; returns ms waited. */
export async function waitForQuiescence(
  admin: pg.Pool,
  tenantIds: readonly string[],
  options: { timeoutMs: number; waitingLinks?: readonly string[] },
): Promise<{ quiet: boolean; waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    const work = await openWork(admin, tenantIds, options.waitingLinks).catch(() => undefined);
    if (work && work.received === 0 && work.active === 0)
      return { quiet: true, waitedMs: Date.now() - started };
    if (Date.now() - started > options.timeoutMs)
      return { quiet: false, waitedMs: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Rows still open, with their job's state: what a bug report needs. */
export async function describeOpenWork(
  admin: pg.Pool,
  tenantIds: readonly string[],
): Promise<string[]> {
  const { rows } = await admin.query<Record<string, unknown>>(
    `select o.id, o.status, o.attempt_count, o.next_attempt_at, o.locked_at, l.status as link_status,
       (select json_agg(json_build_object('run_at', j.run_at, 'locked_at', j.locked_at,
          'locked_by', j.locked_by, 'attempts', j.attempts, 'last_error', left(j.last_error, 200)))
        from graphile_worker.jobs j where j.key = 'sendOutbound:' || o.id::text) as job
     from public.channel_outbox o join public.channel_links l on l.id = o.channel_link_id
     where o.tenant_id = any($1) and o.status in ('pending', 'sending')
     order by o.updated_at limit 10`,
    [[...tenantIds]],
  );
  const messages = await admin.query<Record<string, unknown>>(
    `select id, status, processing_until, received_at from public.channel_messages
     where tenant_id = any($1) and status = 'received' limit 10`,
    [[...tenantIds]],
  );
  return [...rows, ...messages.rows].map((row) => JSON.stringify(row));
}

/** Snapshot, invariants and the RLS probe: the end of every scenario. */
export async function checkScenario(
  context: ScenarioContext,
  input: {
    links: readonly FaultLink[];
    accepted: readonly InboundEvent[];
    receipts: readonly Receipt[];
    allowedMessageStates?: readonly string[];
  },
): Promise<{ violations: string[]; figures: Record<string, unknown> }> {
  const { database } = context;
  const tenantIds = [...new Set(input.links.map((link) => link.tenantId))];
  const snapshot = await readOutboxSnapshot(database.admin, tenantIds);
  const result = checkInvariants({ snapshot, ...input });
  const allTenants = await database.admin.query<{ id: string }>("select id from public.tenants");
  const rls = await probeRls(
    { owner: database.ownerUrl, app: database.appUrl },
    allTenants.rows.map((row) => row.id),
  );
  return {
    violations: [...result.violations, ...rls.violations],
    figures: { ...result.figures, rlsProbes: rls.probes, rlsOwnRowsSeen: rls.ownRowsSeen },
  };
}

/** Accepted events, for the invariant that each is recorded. */
export function acceptedEvents(
  events: readonly InboundEvent[],
  unaccepted: readonly string[],
): InboundEvent[] {
  const refused = new Set(unaccepted.map((line) => line.split(":")[0]));
  return events.filter((event) => !refused.has(`${event.link.provider}/${event.externalId}`));
}
