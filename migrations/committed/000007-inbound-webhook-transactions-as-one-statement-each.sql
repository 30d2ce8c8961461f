--! Previous: sha1:e262b1a5eb24623c6bab3ed80695ec3290b3f716
--! Hash: sha1:2d39e56e6a2af905ef519fef70ff25af37a0c4bc
--! Message: inbound webhook transactions as one statement each

-- Inbound webhook transactions, one statement (one round trip) each. A webhook was 11 round
-- trips for its 2 commits (begin, set_config, statements, commit, twice, plus the link lookup);
-- with these it is 3: resolve_channel_link, inbound_claim_message, and one of
-- inbound_record_decision / inbound_record_executed, each called in autocommit.
-- Like the outbox transitions they are SECURITY INVOKER: each scopes the transaction to the
-- tenant first (outbox_enter_tenant), so RLS for the calling role governs every row touched,
-- and refuses to run inside a transaction already scoped to another tenant.

-- Idempotent (graphile-migrate re-runs current.sql while it is being written).
drop function if exists public.inbound_record_executed(uuid, uuid, timestamptz, text[], integer);
drop function if exists public.inbound_record_decision(uuid, uuid, timestamptz, text, text);
drop function if exists public.inbound_claim_message(uuid, uuid, text, text, text, text, text, integer);
drop function if exists public.outbox_enqueue_reply(uuid, uuid, uuid, text, text, text, text[], integer);

-- The app role scopes its own transactions to a tenant anyway; this lets its functions do it.
grant execute on function public.outbox_enter_tenant(uuid) to :DATABASE_APP;

-- A reply's outbox rows (one per ordered part) and the first part's sendOutbound job, in the
-- caller's transaction: both commit or neither does. Each sent part enqueues the next
-- (outbox_mark_sent), so parts arrive in order. Returns the row ids in part order.
create function public.outbox_enqueue_reply(
  p_tenant_id uuid,
  p_channel_message_id uuid,
  p_channel_link_id uuid,
  p_provider text,
  p_conversation_id text,
  p_thread_ref text,
  p_parts text[],
  p_max_attempts integer
)
returns uuid[]
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_ids uuid[];
begin
  if coalesce(cardinality(p_parts), 0) = 0 then
    raise exception 'a reply needs at least one part' using errcode = '22023';
  end if;
  perform public.outbox_enter_tenant(p_tenant_id);
  with inserted as (
    insert into public.channel_outbox
      (tenant_id, channel_message_id, part_index, channel_link_id, provider, conversation_id,
       thread_ref, content, max_attempts)
    select p_tenant_id, p_channel_message_id, part.ordinality - 1, p_channel_link_id, p_provider,
      p_conversation_id, p_thread_ref, part.content, p_max_attempts
    from unnest(p_parts) with ordinality as part (content, ordinality)
    returning id, part_index
  )
  select array_agg(i.id order by i.part_index) into v_ids from inserted i;
  perform public.enqueue_send_outbound(v_ids[1]);
  return v_ids;
end;
$$;
comment on function public.outbox_enqueue_reply(uuid, uuid, uuid, text, text, text, text[], integer) is
  'Inserts a reply''s outbox rows (one per part) and the first part''s sendOutbound job; ids in part order.';

-- tx1: records the message once (unique per link and external id) and takes its processing
-- lease with one compare-and-set: a new message, a failed one (execution_failed,
-- dispatch_failed) or a `received` one whose lease has run out is claimed; anything else is
-- not. Concurrent duplicates serialise on the unique index, so exactly one of them claims.
-- kind: 'claimed' (lease_until is this delivery's lease), 'decided' (executed, denied or
-- ignored: acknowledge without running the agent) or 'in_progress' (another delivery holds
-- the lease).
create function public.inbound_claim_message(
  p_tenant_id uuid,
  p_link_id uuid,
  p_external_message_id text,
  p_conversation_id text,
  p_sender_id text,
  p_thread_ref text,
  p_text text,
  p_lease_ms integer
)
returns table (kind text, message_id uuid, message_status text, lease_until timestamptz)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_id uuid;
  v_until timestamptz;
  v_status text;
begin
  perform public.outbox_enter_tenant(p_tenant_id);
  insert into public.channel_messages as m
    (tenant_id, channel_link_id, external_message_id, conversation_id, sender_id, thread_ref,
     text, status, processing_until)
  values (p_tenant_id, p_link_id, p_external_message_id, p_conversation_id, p_sender_id,
    p_thread_ref, p_text, 'received',
    date_trunc('milliseconds', now() + p_lease_ms * interval '1 millisecond'))
  on conflict (channel_link_id, external_message_id) do update
    set status = 'received', reason = null, decided_at = null,
      processing_until = excluded.processing_until
    where m.status in ('execution_failed', 'dispatch_failed')
      or (m.status = 'received' and (m.processing_until is null or m.processing_until < now()))
  returning m.id, m.processing_until into v_id, v_until;
  if found then
    return query select 'claimed'::text, v_id, 'received'::text, v_until;
    return;
  end if;
  -- A new snapshot (READ COMMITTED): sees the row a concurrent duplicate just committed.
  select m.id, m.status into v_id, v_status from public.channel_messages m
  where m.channel_link_id = p_link_id and m.external_message_id = p_external_message_id;
  if not found then
    raise exception 'message neither claimed nor found' using errcode = 'P0002';
  end if;
  return query select
    case when v_status in ('executed', 'denied', 'ignored') then 'decided' else 'in_progress' end,
    v_id, v_status, null::timestamptz;
end;
$$;
comment on function public.inbound_claim_message(uuid, uuid, text, text, text, text, text, integer) is
  'Inbound tx1: records a message once and takes its processing lease (claimed | decided | in_progress).';

-- tx2 without a reply (and the fail-closed dispatch_failed): sets the decision and releases
-- the lease, only if this delivery still holds the lease it claimed (p_lease_until,
-- millisecond-exact). False: another delivery took over after the lease ran out.
create function public.inbound_record_decision(
  p_tenant_id uuid,
  p_message_id uuid,
  p_lease_until timestamptz,
  p_status text,
  p_reason text
)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_status not in ('executed', 'denied', 'ignored', 'execution_failed', 'dispatch_failed') then
    raise exception 'not a decision: %', p_status using errcode = '22023';
  end if;
  perform public.outbox_enter_tenant(p_tenant_id);
  update public.channel_messages m
  set status = p_status, reason = left(p_reason, 2000), decided_at = now(), processing_until = null
  where m.id = p_message_id and m.status = 'received' and m.processing_until = p_lease_until;
  return found;
end;
$$;
comment on function public.inbound_record_decision(uuid, uuid, timestamptz, text, text) is
  'Inbound tx2: records a decision if the caller still holds the message''s lease.';

-- tx2 for an executed message: the decision, and its reply's outbox rows and first job when
-- it has parts, all in this one statement's transaction. Any failure (the job cannot be added,
-- say) rolls all of it back: never an outbox row without its job, never `executed` without
-- its rows. recorded = false (and no rows): the lease was lost to a redelivery.
create function public.inbound_record_executed(
  p_tenant_id uuid,
  p_message_id uuid,
  p_lease_until timestamptz,
  p_parts text[],
  p_max_attempts integer,
  out recorded boolean,
  out outbox_ids uuid[]
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_message record;
begin
  recorded := public.inbound_record_decision(p_tenant_id, p_message_id, p_lease_until,
    'executed', null);
  if not recorded or coalesce(cardinality(p_parts), 0) = 0 then
    return;
  end if;
  select m.channel_link_id, l.provider, m.conversation_id, m.thread_ref into strict v_message
  from public.channel_messages m
  join public.channel_links l on l.id = m.channel_link_id
  where m.id = p_message_id;
  outbox_ids := public.outbox_enqueue_reply(p_tenant_id, p_message_id, v_message.channel_link_id,
    v_message.provider, v_message.conversation_id, v_message.thread_ref, p_parts, p_max_attempts);
end;
$$;
comment on function public.inbound_record_executed(uuid, uuid, timestamptz, text[], integer) is
  'Inbound tx2: records executed and enqueues the reply''s parts and first job, or nothing.';

revoke all on function public.outbox_enqueue_reply(uuid, uuid, uuid, text, text, text, text[], integer) from public;
revoke all on function public.inbound_claim_message(uuid, uuid, text, text, text, text, text, integer) from public;
revoke all on function public.inbound_record_decision(uuid, uuid, timestamptz, text, text) from public;
revoke all on function public.inbound_record_executed(uuid, uuid, timestamptz, text[], integer) from public;
grant execute on function public.outbox_enqueue_reply(uuid, uuid, uuid, text, text, text, text[], integer) to :DATABASE_APP;
grant execute on function public.inbound_claim_message(uuid, uuid, text, text, text, text, text, integer) to :DATABASE_APP;
grant execute on function public.inbound_record_decision(uuid, uuid, timestamptz, text, text) to :DATABASE_APP;
grant execute on function public.inbound_record_executed(uuid, uuid, timestamptz, text[], integer) to :DATABASE_APP;
