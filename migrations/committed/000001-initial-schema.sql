--! Previous: -
--! Hash: sha1:918628e3a1ac2ee09fe2e07f14b7ab1c5801ed02
--! Message: initial schema

-- Valinor schema, first migration: tenants, channel links, inbound messages, the outbox
-- and its attempts; row-level security on every tenant table; the narrow SECURITY DEFINER
-- functions the runtime roles call. See migrations/README.md for the conventions.
--
-- Placeholders: :DATABASE_OWNER owns everything here (runs migrations and the worker),
-- :DATABASE_APP is the Express role, :DATABASE_LOOKUP is the NOLOGIN BYPASSRLS role that
-- owns only the cross-tenant discovery functions.

-------------------------------------------------------------------------------
-- tenants
-------------------------------------------------------------------------------
create table public.tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now()
);
comment on table public.tenants is
  'A customer of Valinor. Not tenant-scoped itself: only the owner role (operator CLI, worker) reads it.';

-------------------------------------------------------------------------------
-- channel_links: one provider account of a tenant
-------------------------------------------------------------------------------
create table public.channel_links (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  provider text not null check (provider in ('slack', 'telegram', 'whatsapp', 'webhook')),
  name text not null default '' check (length(name) <= 200),
  external_account_id text check (length(external_account_id) <= 200),
  -- Encrypted at rest (AES-256-GCM, key from configuration); never logged or printed again.
  inbound_secret text not null,
  outbound_credentials text,
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  status text not null default 'active' check (status in ('active', 'paused', 'disabled')),
  paused_reason text check (length(paused_reason) <= 1000),
  paused_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id)
);
create index channel_links_tenant_id_idx on public.channel_links (tenant_id);
comment on table public.channel_links is
  'A provider account (Slack team, Telegram bot, WhatsApp number, webhook endpoint) of one tenant.';

-------------------------------------------------------------------------------
-- channel_messages: one inbound message, recorded once
-------------------------------------------------------------------------------
create table public.channel_messages (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  channel_link_id uuid not null,
  external_message_id text not null check (length(external_message_id) between 1 and 500),
  conversation_id text not null check (length(conversation_id) <= 500),
  sender_id text not null check (length(sender_id) <= 500),
  thread_ref text check (length(thread_ref) <= 500),
  text text not null,
  status text not null default 'received' check (
    status in ('received', 'executed', 'denied', 'ignored', 'execution_failed', 'dispatch_failed')
  ),
  reason text check (length(reason) <= 2000),
  -- A lease: while processing_until is in the future, a redelivery must not run the agent.
  processing_until timestamptz,
  received_at timestamptz not null default now(),
  decided_at timestamptz,
  unique (tenant_id, id),
  unique (channel_link_id, external_message_id),
  foreign key (tenant_id, channel_link_id)
    references public.channel_links (tenant_id, id) on delete cascade
);
create index channel_messages_tenant_status_idx on public.channel_messages (tenant_id, status, received_at);
comment on table public.channel_messages is
  'One inbound message per (link, provider message id); its status records the decision.';

-------------------------------------------------------------------------------
-- channel_outbox: one reply (or one ordered part of a reply) to deliver
-------------------------------------------------------------------------------
create table public.channel_outbox (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  channel_message_id uuid not null,
  part_index integer not null default 0 check (part_index >= 0),
  channel_link_id uuid not null,
  provider text not null check (provider in ('slack', 'telegram', 'whatsapp', 'webhook')),
  conversation_id text not null,
  thread_ref text,
  content text not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'dead')),
  attempt_count integer not null default 0 check (attempt_count >= 0),
  max_attempts integer not null check (max_attempts > 0),
  next_attempt_at timestamptz not null default now(),
  locked_at timestamptz,
  claim_token uuid,
  last_error text check (length(last_error) <= 2000),
  dead_reason text check (dead_reason in ('permanent', 'exhausted', 'expired')),
  provider_message_id text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  -- A message has exactly one reply (or its ordered parts): enqueueing twice fails.
  unique (channel_message_id, part_index),
  check ((status = 'sending') = (claim_token is not null and locked_at is not null)),
  check ((status = 'sent') = (sent_at is not null)),
  check ((status = 'dead') = (dead_reason is not null)),
  foreign key (tenant_id, channel_message_id)
    references public.channel_messages (tenant_id, id) on delete cascade,
  foreign key (tenant_id, channel_link_id)
    references public.channel_links (tenant_id, id) on delete cascade
);
create index channel_outbox_tenant_status_next_idx
  on public.channel_outbox (tenant_id, status, next_attempt_at);
-- Active work only: the reconciler's and the metrics' scans stay small however much history there is.
create index channel_outbox_active_idx
  on public.channel_outbox (next_attempt_at)
  include (tenant_id, status, locked_at, channel_link_id)
  where status in ('pending', 'sending');
create index channel_outbox_channel_message_id_idx on public.channel_outbox (channel_message_id);
create index channel_outbox_channel_link_id_idx on public.channel_outbox (channel_link_id);
comment on table public.channel_outbox is
  'Replies to deliver. The source of truth for delivery: pending -> sending -> sent | dead.';

-------------------------------------------------------------------------------
-- channel_outbox_attempts: one row per send attempt
-------------------------------------------------------------------------------
create table public.channel_outbox_attempts (
  id bigint primary key generated always as identity,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  outbox_id uuid not null,
  attempt_number integer not null check (attempt_number > 0),
  started_at timestamptz not null,
  finished_at timestamptz not null default now(),
  outcome text not null check (outcome in ('sent', 'retry', 'dead', 'abandoned')),
  error_class text check (error_class in ('transient', 'rateLimited', 'permanent', 'linkLevel')),
  -- The provider may have acted on a send that failed (e.g. Slack internal_error, a timeout).
  ambiguous boolean not null default false,
  provider_status integer,
  provider_code text check (length(provider_code) <= 200),
  error text check (length(error) <= 2000),
  duration_ms integer check (duration_ms >= 0),
  foreign key (tenant_id, outbox_id)
    references public.channel_outbox (tenant_id, id) on delete cascade
);
create index channel_outbox_attempts_outbox_idx
  on public.channel_outbox_attempts (outbox_id, attempt_number);
create index channel_outbox_attempts_tenant_idx on public.channel_outbox_attempts (tenant_id);
comment on table public.channel_outbox_attempts is
  'Every send attempt and its outcome; an abandoned attempt marks a send whose worker died.';

-------------------------------------------------------------------------------
-- Row-level security: enabled AND forced, so the owner role is tenant-scoped too.
-- No tenant set (or an empty one) means no rows, never all rows.
-------------------------------------------------------------------------------
alter table public.channel_links enable row level security;
alter table public.channel_links force row level security;
alter table public.channel_messages enable row level security;
alter table public.channel_messages force row level security;
alter table public.channel_outbox enable row level security;
alter table public.channel_outbox force row level security;
alter table public.channel_outbox_attempts enable row level security;
alter table public.channel_outbox_attempts force row level security;

create policy tenant_isolation on public.channel_links
  using (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  with check (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
create policy tenant_isolation on public.channel_messages
  using (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  with check (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
create policy tenant_isolation on public.channel_outbox
  using (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  with check (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
create policy tenant_isolation on public.channel_outbox_attempts
  using (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  with check (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);

-------------------------------------------------------------------------------
-- Privileges. The app role gets exactly the DML its use case needs.
-------------------------------------------------------------------------------
revoke all on all tables in schema public from public;
grant usage on schema public to :DATABASE_APP, :DATABASE_LOOKUP;
grant select on public.channel_links to :DATABASE_APP;
grant select, insert, update on public.channel_messages to :DATABASE_APP;
grant select, insert on public.channel_outbox to :DATABASE_APP;
grant select on public.channel_outbox_attempts to :DATABASE_APP;

-------------------------------------------------------------------------------
-- enqueue_send_outbound: add the sendOutbound job for one outbox row of the CURRENT
-- tenant, inside the caller's transaction. Owned by the owner (who owns graphile_worker);
-- FORCE RLS means it only finds the current tenant's row. One job key per row, so a
-- second call moves the existing job instead of adding another.
-------------------------------------------------------------------------------
create function public.enqueue_send_outbound(outbox_id uuid, run_at timestamptz default null)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_row record;
  v_job_id bigint;
begin
  select o.id, o.tenant_id, o.next_attempt_at into v_row
  from public.channel_outbox o
  where o.id = enqueue_send_outbound.outbox_id and o.status = 'pending';
  if not found then
    raise exception 'no pending outbox row % for the current tenant', enqueue_send_outbound.outbox_id
      using errcode = 'P0002';
  end if;
  select j.id into v_job_id
  from graphile_worker.add_job(
    'sendOutbound',
    json_build_object('tenantId', v_row.tenant_id, 'outboxId', v_row.id),
    run_at := coalesce(enqueue_send_outbound.run_at, v_row.next_attempt_at),
    job_key := 'sendOutbound:' || v_row.id::text,
    max_attempts := 10
  ) j;
  return v_job_id;
end;
$$;
comment on function public.enqueue_send_outbound(uuid, timestamptz) is
  'Adds (or moves) the sendOutbound job of a pending outbox row of the current tenant.';
revoke all on function public.enqueue_send_outbound(uuid, timestamptz) from public;
grant execute on function public.enqueue_send_outbound(uuid, timestamptz) to :DATABASE_APP;

-------------------------------------------------------------------------------
-- Cross-tenant discovery, owned by the NOLOGIN BYPASSRLS lookup role (the owner cannot
-- see across tenants under FORCE RLS). Each returns ids and what its caller needs, no more.
-------------------------------------------------------------------------------
grant select (id, tenant_id, provider, external_account_id, inbound_secret, settings, status)
  on public.channel_links to :DATABASE_LOOKUP;
grant select (tenant_id, status, next_attempt_at, locked_at) on public.channel_outbox
  to :DATABASE_LOOKUP;

-- ALTER ... OWNER needs the new owner to be able to create in the schema; only for this step.
grant create on schema public to :DATABASE_LOOKUP;

-- Resolve the link an inbound webhook names, before its tenant is known.
create function public.resolve_channel_link(provider text, link_id uuid)
returns table (
  id uuid,
  tenant_id uuid,
  provider text,
  external_account_id text,
  inbound_secret text,
  settings jsonb,
  status text
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select l.id, l.tenant_id, l.provider, l.external_account_id, l.inbound_secret, l.settings, l.status
  from public.channel_links l
  where l.id = resolve_channel_link.link_id and l.provider = resolve_channel_link.provider;
$$;
comment on function public.resolve_channel_link(text, uuid) is
  'Inbound webhooks: the link (and its verification material) for a provider and link id.';
alter function public.resolve_channel_link(text, uuid) owner to :DATABASE_LOOKUP;
revoke all on function public.resolve_channel_link(text, uuid) from public;
grant execute on function public.resolve_channel_link(text, uuid) to :DATABASE_APP;

-- Tenants with outbox rows the reconciler must look at: sending rows locked before
-- stale_before, or pending rows due before due_before.
create function public.tenants_with_outbox_work(stale_before timestamptz, due_before timestamptz)
returns table (tenant_id uuid)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select distinct o.tenant_id
  from public.channel_outbox o
  where o.status in ('pending', 'sending')
    and (
      (o.status = 'sending' and o.locked_at < tenants_with_outbox_work.stale_before)
      or (o.status = 'pending' and o.next_attempt_at < tenants_with_outbox_work.due_before)
    );
$$;
comment on function public.tenants_with_outbox_work(timestamptz, timestamptz) is
  'Reconciler: ids of tenants that have stale sending rows or overdue pending rows.';
alter function public.tenants_with_outbox_work(timestamptz, timestamptz) owner to :DATABASE_LOOKUP;
revoke all on function public.tenants_with_outbox_work(timestamptz, timestamptz) from public;
grant execute on function public.tenants_with_outbox_work(timestamptz, timestamptz) to :DATABASE_OWNER;

revoke create on schema public from :DATABASE_LOOKUP;
