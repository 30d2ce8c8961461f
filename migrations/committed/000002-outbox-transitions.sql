--! Previous: sha1:918628e3a1ac2ee09fe2e07f14b7ab1c5801ed02
--! Hash: sha1:a2571a4de566b803a6f43f080542ca197313f4e1
--! Message: outbox transitions

-- Outbox state transitions, one statement (one round trip) each. Every function is
-- SECURITY INVOKER, callable by the owner role only (the worker and the operator CLI):
-- it sets the tenant for the current transaction first, so RLS scopes everything it
-- touches, and refuses to run inside a transaction already scoped to another tenant.
-- A mark applies only while the claim token matches: a worker that lost its claim to
-- recovery changes nothing.

-- Idempotent (graphile-migrate re-runs current.sql while it is being written).
drop function if exists public.outbox_reconcile(uuid, timestamptz, timestamptz);
drop function if exists public.outbox_pause_link(uuid, uuid, uuid, timestamptz, integer, text, text);
drop function if exists public.outbox_mark_dead(uuid, uuid, uuid, text, timestamptz, text, boolean, integer, text, text);
drop function if exists public.outbox_mark_retry(uuid, uuid, uuid, timestamptz, timestamptz, text, boolean, integer, text, text, boolean, text);
drop function if exists public.outbox_mark_retry(uuid, uuid, uuid, integer, timestamptz, text, boolean, integer, text, text, boolean, text);
drop function if exists public.outbox_mark_sent(uuid, uuid, uuid, text, timestamptz);
drop function if exists public.outbox_record_attempt(uuid, uuid, integer, timestamptz, text, text, boolean, integer, text, text);
drop function if exists public.outbox_claim(uuid, uuid);
drop function if exists public.outbox_enter_tenant(uuid);

create function public.outbox_enter_tenant(p_tenant_id uuid)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_current text := nullif(current_setting('app.current_tenant_id', true), '');
begin
  if v_current is not null and v_current <> p_tenant_id::text then
    raise exception 'transaction is scoped to another tenant' using errcode = '42501';
  end if;
  perform set_config('app.current_tenant_id', p_tenant_id::text, true);
end;
$$;
comment on function public.outbox_enter_tenant(uuid) is
  'Scopes the current transaction to a tenant, unless it is already scoped to another one.';

-- pending and due -> sending. Also requires the link to be active and every earlier part of
-- the same reply to be sent, so parts go out in order and a paused link's rows wait.
create function public.outbox_claim(p_tenant_id uuid, p_outbox_id uuid)
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
begin
  perform public.outbox_enter_tenant(p_tenant_id);
  return query
  update public.channel_outbox o
  set status = 'sending',
    locked_at = now(),
    claim_token = gen_random_uuid(),
    attempt_count = o.attempt_count + 1,
    updated_at = now()
  from public.channel_links l
  where o.id = p_outbox_id
    and o.status = 'pending'
    and o.next_attempt_at <= now()
    and l.id = o.channel_link_id
    and l.status = 'active'
    and not exists (
      select 1 from public.channel_outbox earlier
      where earlier.channel_message_id = o.channel_message_id
        and earlier.part_index < o.part_index
        and earlier.status <> 'sent'
    )
  returning o.id, o.tenant_id, o.channel_message_id, o.part_index, o.channel_link_id,
    o.provider, o.conversation_id, o.thread_ref, o.content, o.attempt_count, o.max_attempts,
    o.claim_token, o.locked_at, o.created_at, now(), l.external_account_id, l.outbound_credentials,
    l.settings;
end;
$$;

create function public.outbox_record_attempt(
  p_tenant_id uuid,
  p_outbox_id uuid,
  p_attempt_number integer,
  p_started_at timestamptz,
  p_outcome text,
  p_error_class text,
  p_ambiguous boolean,
  p_provider_status integer,
  p_provider_code text,
  p_error text
)
returns void
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
  insert into public.channel_outbox_attempts
    (tenant_id, outbox_id, attempt_number, started_at, outcome, error_class, ambiguous,
     provider_status, provider_code, error, duration_ms)
  values
    (p_tenant_id, p_outbox_id, greatest(p_attempt_number, 1), p_started_at, p_outcome,
     p_error_class, coalesce(p_ambiguous, false), p_provider_status, left(p_provider_code, 200),
     left(p_error, 2000),
     greatest(0, (extract(epoch from (clock_timestamp() - p_started_at)) * 1000)::integer));
$$;

-- sending -> sent; the next part of the reply (if any) gets its job.
create function public.outbox_mark_sent(
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
begin
  perform public.outbox_enter_tenant(p_tenant_id);
  update public.channel_outbox o
  set status = 'sent', sent_at = now(), provider_message_id = p_provider_message_id,
    claim_token = null, locked_at = null, last_error = null, updated_at = now()
  where o.id = p_outbox_id and o.status = 'sending' and o.claim_token = p_claim_token
  returning * into v_row;
  if not found then
    return false;
  end if;
  perform public.outbox_record_attempt(p_tenant_id, p_outbox_id, v_row.attempt_count,
    p_started_at, 'sent', null, false, null, null, null);
  select o.id into v_next from public.channel_outbox o
  where o.channel_message_id = v_row.channel_message_id and o.part_index = v_row.part_index + 1
    and o.status = 'pending';
  if v_next is not null then
    perform public.enqueue_send_outbound(v_next);
  end if;
  return true;
end;
$$;

-- sending -> pending p_delay_ms from now (database time), with a job for then. p_refund gives the attempt
-- back (a paused link is not the row's fault); p_conversation_id moves the conversation.
create function public.outbox_mark_retry(
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
  where o.id = p_outbox_id and o.status = 'sending' and o.claim_token = p_claim_token
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

-- sending -> dead. Later parts of the same reply can no longer go out in order: they die too.
create function public.outbox_mark_dead(
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
  where o.id = p_outbox_id and o.status = 'sending' and o.claim_token = p_claim_token
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
    and o.status = 'pending';
  return true;
end;
$$;

-- A link-level failure: pause the link with a reason, and give the row its attempt back.
create function public.outbox_pause_link(
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
  where o.id = p_outbox_id and o.status = 'sending' and o.claim_token = p_claim_token;
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

-- Reconciler, per tenant: stale sending rows (their worker died) go back to pending with an
-- abandoned attempt, or dead when the budget is spent; overdue pending rows of active links
-- that have no job get one. Returns how many rows of each kind it touched.
create function public.outbox_reconcile(p_tenant_id uuid, p_stale_before timestamptz, p_due_before timestamptz)
returns table (recovered integer, exhausted integer, requeued integer)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_row record;
  v_recovered integer := 0;
  v_exhausted integer := 0;
  v_requeued integer := 0;
begin
  perform public.outbox_enter_tenant(p_tenant_id);
  for v_row in
    select o.id, o.attempt_count, o.max_attempts, o.locked_at from public.channel_outbox o
    where o.status = 'sending' and o.locked_at < p_stale_before
    for update skip locked
  loop
    perform public.outbox_record_attempt(p_tenant_id, v_row.id, v_row.attempt_count,
      v_row.locked_at, 'abandoned', null, true, null, null,
      'the worker holding this send stopped before recording an outcome');
    if v_row.attempt_count >= v_row.max_attempts then
      update public.channel_outbox o
      set status = 'dead', dead_reason = 'exhausted', claim_token = null, locked_at = null,
        last_error = 'abandoned on the last attempt', updated_at = now()
      where o.id = v_row.id;
      v_exhausted := v_exhausted + 1;
    else
      update public.channel_outbox o
      set status = 'pending', next_attempt_at = now(), claim_token = null, locked_at = null,
        last_error = 'abandoned: the worker stopped mid-send', updated_at = now()
      where o.id = v_row.id;
      perform public.enqueue_send_outbound(v_row.id);
      v_recovered := v_recovered + 1;
    end if;
  end loop;
  for v_row in
    select o.id from public.channel_outbox o
    join public.channel_links l on l.id = o.channel_link_id and l.status = 'active'
    where o.status = 'pending' and o.next_attempt_at < p_due_before
      and not exists (
        select 1 from graphile_worker.jobs j where j.key = 'sendOutbound:' || o.id::text
      )
      and not exists (
        select 1 from public.channel_outbox earlier
        where earlier.channel_message_id = o.channel_message_id
          and earlier.part_index < o.part_index and earlier.status <> 'sent'
      )
  loop
    perform public.enqueue_send_outbound(v_row.id);
    v_requeued := v_requeued + 1;
  end loop;
  return query select v_recovered, v_exhausted, v_requeued;
end;
$$;

revoke all on function public.outbox_enter_tenant(uuid) from public;
revoke all on function public.outbox_claim(uuid, uuid) from public;
revoke all on function public.outbox_record_attempt(uuid, uuid, integer, timestamptz, text, text, boolean, integer, text, text) from public;
revoke all on function public.outbox_mark_sent(uuid, uuid, uuid, text, timestamptz) from public;
revoke all on function public.outbox_mark_retry(uuid, uuid, uuid, integer, timestamptz, text, boolean, integer, text, text, boolean, text) from public;
revoke all on function public.outbox_mark_dead(uuid, uuid, uuid, text, timestamptz, text, boolean, integer, text, text) from public;
revoke all on function public.outbox_pause_link(uuid, uuid, uuid, timestamptz, integer, text, text) from public;
revoke all on function public.outbox_reconcile(uuid, timestamptz, timestamptz) from public;
