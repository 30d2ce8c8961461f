--! Previous: sha1:4a55b93186d7a215e7e2e6c9960e063e70980f0d
--! Hash: sha1:43d5e2b687a7bc3372a94a4c126e9af14429a39e
--! Message: hot path lookups by primary key

-- Hot-path lookups by primary key only. A status condition such as `status = 'pending'` lets
-- the planner prefer the partial index over active rows, whose statistics lag behind a queue
-- that grew since the last analyze, and then scan every active row to find one id: with 20,000
-- queued replies each claim read 19,999 rows (found by the benchmark, EXPLAIN ANALYZE). Rows are
-- now found by id (or the claim token, which only a `sending` row has, by the check constraint)
-- and their status is checked after, so each statement touches one row however long the queue.
-- (The `not in` below is a plain "pending" written so that it does not imply the partial index.)

create or replace function public.enqueue_send_outbound(outbox_id uuid, run_at timestamptz default null)
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
  select o.id, o.tenant_id, o.next_attempt_at, o.status into v_row
  from public.channel_outbox o
  where o.id = enqueue_send_outbound.outbox_id;
  if not found or v_row.status <> 'pending' then
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

create or replace function public.outbox_claim(p_tenant_id uuid, p_outbox_id uuid)
returns table (
  id uuid,
  tenant_id uuid,
  channel_message_id uuid,
  part_index integer,
  channel_link_id uuid,
  provider text,
  conversation_id text,
  thread_ref text,
  content text,
  attempt_count integer,
  max_attempts integer,
  claim_token uuid,
  locked_at timestamptz,
  created_at timestamptz,
  db_now timestamptz,
  external_account_id text,
  outbound_credentials text,
  settings jsonb
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_row public.channel_outbox;
begin
  perform public.outbox_enter_tenant(p_tenant_id);
  select * into v_row from public.channel_outbox o where o.id = p_outbox_id
  for update skip locked;
  if not found or v_row.status <> 'pending' or v_row.next_attempt_at > now() then
    return;
  end if;
  if not exists (
    select 1 from public.channel_links l where l.id = v_row.channel_link_id and l.status = 'active'
  ) then
    return;
  end if;
  if exists (
    select 1 from public.channel_outbox earlier
    where earlier.channel_message_id = v_row.channel_message_id
      and earlier.part_index < v_row.part_index
      and earlier.status <> 'sent'
  ) then
    return;
  end if;
  return query
  update public.channel_outbox o
  set status = 'sending',
    locked_at = now(),
    claim_token = gen_random_uuid(),
    attempt_count = o.attempt_count + 1,
    updated_at = now()
  from public.channel_links l
  where o.id = p_outbox_id and l.id = o.channel_link_id
  returning o.id, o.tenant_id, o.channel_message_id, o.part_index, o.channel_link_id,
    o.provider, o.conversation_id, o.thread_ref, o.content, o.attempt_count, o.max_attempts,
    o.claim_token, o.locked_at, o.created_at, now(), l.external_account_id, l.outbound_credentials,
    l.settings;
end;
$$;

create or replace function public.outbox_mark_sent(
  p_tenant_id uuid,
  p_outbox_id uuid,
  p_claim_token uuid,
  p_provider_message_id text,
  p_started_at timestamptz
)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_row public.channel_outbox;
  v_next uuid;
  v_next_status text;
begin
  perform public.outbox_enter_tenant(p_tenant_id);
  update public.channel_outbox o
  set status = 'sent', sent_at = now(), provider_message_id = p_provider_message_id,
    claim_token = null, locked_at = null, last_error = null, updated_at = now()
  where o.id = p_outbox_id and o.claim_token = p_claim_token
  returning * into v_row;
  if not found then
    return false;
  end if;
  perform public.outbox_record_attempt(p_tenant_id, p_outbox_id, v_row.attempt_count,
    p_started_at, 'sent', null, false, null, null, null);
  select o.id, o.status into v_next, v_next_status from public.channel_outbox o
  where o.channel_message_id = v_row.channel_message_id and o.part_index = v_row.part_index + 1;
  if v_next is not null and v_next_status = 'pending' then
    perform public.enqueue_send_outbound(v_next);
  end if;
  return true;
end;
$$;

create or replace function public.outbox_mark_retry(
  p_tenant_id uuid,
  p_outbox_id uuid,
  p_claim_token uuid,
  p_delay_ms integer,
  p_started_at timestamptz,
  p_error_class text,
  p_ambiguous boolean,
  p_provider_status integer,
  p_provider_code text,
  p_error text,
  p_refund boolean default false,
  p_conversation_id text default null
)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_attempt integer;
  v_next_attempt_at timestamptz := now() + make_interval(secs => greatest(p_delay_ms, 0) / 1000.0);
begin
  perform public.outbox_enter_tenant(p_tenant_id);
  update public.channel_outbox o
  set status = 'pending', next_attempt_at = v_next_attempt_at, last_error = left(p_error, 2000),
    claim_token = null, locked_at = null,
    attempt_count = o.attempt_count - (case when p_refund then 1 else 0 end),
    conversation_id = coalesce(p_conversation_id, o.conversation_id),
    updated_at = now()
  where o.id = p_outbox_id and o.claim_token = p_claim_token
  returning o.attempt_count + (case when p_refund then 1 else 0 end) into v_attempt;
  if not found then
    return false;
  end if;
  perform public.outbox_record_attempt(p_tenant_id, p_outbox_id, v_attempt, p_started_at,
    'retry', p_error_class, p_ambiguous, p_provider_status, p_provider_code, p_error);
  perform public.enqueue_send_outbound(p_outbox_id, v_next_attempt_at);
  return true;
end;
$$;

create or replace function public.outbox_mark_dead(
  p_tenant_id uuid,
  p_outbox_id uuid,
  p_claim_token uuid,
  p_reason text,
  p_started_at timestamptz,
  p_error_class text,
  p_ambiguous boolean,
  p_provider_status integer,
  p_provider_code text,
  p_error text
)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_row public.channel_outbox;
begin
  perform public.outbox_enter_tenant(p_tenant_id);
  update public.channel_outbox o
  set status = 'dead', dead_reason = p_reason, last_error = left(p_error, 2000),
    claim_token = null, locked_at = null, updated_at = now()
  where o.id = p_outbox_id and o.claim_token = p_claim_token
  returning * into v_row;
  if not found then
    return false;
  end if;
  perform public.outbox_record_attempt(p_tenant_id, p_outbox_id, v_row.attempt_count,
    p_started_at, 'dead', p_error_class, p_ambiguous, p_provider_status, p_provider_code, p_error);
  update public.channel_outbox o
  set status = 'dead', dead_reason = p_reason, updated_at = now(),
    last_error = 'an earlier part of this reply is dead'
  where o.channel_message_id = v_row.channel_message_id and o.part_index > v_row.part_index
    and o.status not in ('sending', 'sent', 'dead');
  return true;
end;
$$;

create or replace function public.outbox_pause_link(
  p_tenant_id uuid,
  p_outbox_id uuid,
  p_claim_token uuid,
  p_started_at timestamptz,
  p_provider_status integer,
  p_provider_code text,
  p_error text
)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_link uuid;
begin
  perform public.outbox_enter_tenant(p_tenant_id);
  select o.channel_link_id into v_link from public.channel_outbox o
  where o.id = p_outbox_id and o.claim_token = p_claim_token;
  if not found then
    return false;
  end if;
  update public.channel_links l
  set status = 'paused', paused_reason = left(p_error, 1000), updated_at = now()
  where l.id = v_link and l.status = 'active';
  -- The row waits for the link: its job finds the link paused and does nothing; resuming
  -- the link enqueues its pending rows again.
  return public.outbox_mark_retry(p_tenant_id, p_outbox_id, p_claim_token, 0, p_started_at,
    'linkLevel', false, p_provider_status, p_provider_code, p_error, true, null);
end;
$$;
