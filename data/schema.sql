--
-- PostgreSQL database dump
--

\restrict valinor


SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: public; Type: SCHEMA; Schema: -; Owner: valinor_owner
--

-- *not* creating schema, since initdb creates it


ALTER SCHEMA public OWNER TO valinor_owner;

--
-- Name: enqueue_first_send_outbound(uuid); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.enqueue_first_send_outbound(outbox_id uuid) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_row record;
  v_job_id bigint;
begin
  select o.id, o.tenant_id, o.next_attempt_at into v_row
  from public.channel_outbox o
  where o.id = enqueue_first_send_outbound.outbox_id and o.status = 'pending'
    and o.attempt_count = 0;
  if not found then
    raise exception 'no new pending outbox row % for the current tenant',
      enqueue_first_send_outbound.outbox_id using errcode = 'P0002';
  end if;
  select j.id into v_job_id
  from graphile_worker.add_job(
    'sendOutbound',
    json_build_object('tenantId', v_row.tenant_id, 'outboxId', v_row.id),
    run_at := v_row.next_attempt_at,
    job_key := 'sendOutbound:' || v_row.id::text,
    max_attempts := 10,
    job_key_mode := 'unsafe_dedupe'
  ) j;
  return v_job_id;
end;
$$;


ALTER FUNCTION public.enqueue_first_send_outbound(outbox_id uuid) OWNER TO valinor_owner;

--
-- Name: FUNCTION enqueue_first_send_outbound(outbox_id uuid); Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON FUNCTION public.enqueue_first_send_outbound(outbox_id uuid) IS 'The sendOutbound job of a just-inserted outbox row of the current tenant (no job can hold its key yet).';


--
-- Name: enqueue_send_outbound(uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.enqueue_send_outbound(outbox_id uuid, run_at timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.enqueue_send_outbound(outbox_id uuid, run_at timestamp with time zone) OWNER TO valinor_owner;

--
-- Name: FUNCTION enqueue_send_outbound(outbox_id uuid, run_at timestamp with time zone); Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON FUNCTION public.enqueue_send_outbound(outbox_id uuid, run_at timestamp with time zone) IS 'Adds (or moves) the sendOutbound job of a pending outbox row of the current tenant.';


--
-- Name: inbound_claim_message(uuid, uuid, text, text, text, text, text, integer); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.inbound_claim_message(p_tenant_id uuid, p_link_id uuid, p_external_message_id text, p_conversation_id text, p_sender_id text, p_thread_ref text, p_text text, p_lease_ms integer) RETURNS TABLE(kind text, message_id uuid, message_status text, lease_until timestamp with time zone)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.inbound_claim_message(p_tenant_id uuid, p_link_id uuid, p_external_message_id text, p_conversation_id text, p_sender_id text, p_thread_ref text, p_text text, p_lease_ms integer) OWNER TO valinor_owner;

--
-- Name: FUNCTION inbound_claim_message(p_tenant_id uuid, p_link_id uuid, p_external_message_id text, p_conversation_id text, p_sender_id text, p_thread_ref text, p_text text, p_lease_ms integer); Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON FUNCTION public.inbound_claim_message(p_tenant_id uuid, p_link_id uuid, p_external_message_id text, p_conversation_id text, p_sender_id text, p_thread_ref text, p_text text, p_lease_ms integer) IS 'Inbound tx1: records a message once and takes its processing lease (claimed | decided | in_progress).';


--
-- Name: inbound_record_decision(uuid, uuid, timestamp with time zone, text, text); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.inbound_record_decision(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_status text, p_reason text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.inbound_record_decision(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_status text, p_reason text) OWNER TO valinor_owner;

--
-- Name: FUNCTION inbound_record_decision(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_status text, p_reason text); Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON FUNCTION public.inbound_record_decision(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_status text, p_reason text) IS 'Inbound tx2: records a decision if the caller still holds the message''s lease.';


--
-- Name: inbound_record_executed(uuid, uuid, timestamp with time zone, text[], integer); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.inbound_record_executed(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_parts text[], p_max_attempts integer, OUT recorded boolean, OUT outbox_ids uuid[]) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.inbound_record_executed(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_parts text[], p_max_attempts integer, OUT recorded boolean, OUT outbox_ids uuid[]) OWNER TO valinor_owner;

--
-- Name: FUNCTION inbound_record_executed(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_parts text[], p_max_attempts integer, OUT recorded boolean, OUT outbox_ids uuid[]); Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON FUNCTION public.inbound_record_executed(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_parts text[], p_max_attempts integer, OUT recorded boolean, OUT outbox_ids uuid[]) IS 'Inbound tx2: records executed and enqueues the reply''s parts and first job, or nothing.';


--
-- Name: migration_status(); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.migration_status() RETURNS TABLE(applied_count bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select count(*) from graphile_migrate.migrations;
$$;


ALTER FUNCTION public.migration_status() OWNER TO valinor_owner;

--
-- Name: FUNCTION migration_status(); Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON FUNCTION public.migration_status() IS 'Readiness: the number of applied migrations.';


--
-- Name: outbox_claim(uuid, uuid); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_claim(p_tenant_id uuid, p_outbox_id uuid) RETURNS TABLE(id uuid, tenant_id uuid, channel_message_id uuid, part_index integer, channel_link_id uuid, provider text, conversation_id text, thread_ref text, content text, attempt_count integer, max_attempts integer, claim_token uuid, locked_at timestamp with time zone, created_at timestamp with time zone, db_now timestamp with time zone, external_account_id text, outbound_credentials text, settings jsonb)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.outbox_claim(p_tenant_id uuid, p_outbox_id uuid) OWNER TO valinor_owner;

--
-- Name: outbox_claim_batch(uuid, uuid, integer); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_claim_batch(p_tenant_id uuid, p_outbox_id uuid, p_limit integer) RETURNS TABLE(id uuid, tenant_id uuid, channel_message_id uuid, part_index integer, channel_link_id uuid, provider text, conversation_id text, thread_ref text, content text, attempt_count integer, max_attempts integer, claim_token uuid, locked_at timestamp with time zone, created_at timestamp with time zone, db_now timestamp with time zone, external_account_id text, outbound_credentials text, settings jsonb)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_link uuid;
  v_companions uuid[];
begin
  return query select * from public.outbox_claim(p_tenant_id, p_outbox_id);
  if not found or p_limit <= 1 then
    return;
  end if;
  select o.channel_link_id into v_link from public.channel_outbox o where o.id = p_outbox_id;
  select array_agg(c.id) into v_companions
  from (
    select o.id from public.channel_outbox o
    where o.channel_link_id = v_link and o.status = 'pending' and o.next_attempt_at <= now()
      and o.id <> p_outbox_id
      -- Written so that it stays a per-row index probe (an anti-join here was planned as a
      -- scan of every unsent row: O(queue) per claim), and checked only for later parts.
      and (o.part_index = 0 or not exists (
        select 1 from public.channel_outbox earlier
        where earlier.channel_message_id = o.channel_message_id
          and earlier.part_index < o.part_index
          and earlier.status <> 'sent'
      ))
    order by o.next_attempt_at, o.id
    limit p_limit - 1
    for update of o skip locked
  ) c;
  if v_companions is null then
    return;
  end if;
  return query
  with claimed as (
    update public.channel_outbox o
    set status = 'sending',
      locked_at = now(),
      claim_token = gen_random_uuid(),
      attempt_count = o.attempt_count + 1,
      updated_at = now()
    where o.id = any (v_companions)
    returning o.*
  )
  select c.id, c.tenant_id, c.channel_message_id, c.part_index, c.channel_link_id, c.provider,
    c.conversation_id, c.thread_ref, c.content, c.attempt_count, c.max_attempts, c.claim_token,
    c.locked_at, c.created_at, now(), l.external_account_id, l.outbound_credentials, l.settings
  from claimed c join public.channel_links l on l.id = c.channel_link_id
  order by c.next_attempt_at, c.id;
  -- Their jobs would only find the rows taken; a job already fetched by a worker stays and
  -- finds nothing to claim (remove_job clears its key so it is never retried).
  perform graphile_worker.remove_job('sendOutbound:' || c.id::text) from unnest(v_companions) c (id);
end;
$$;


ALTER FUNCTION public.outbox_claim_batch(p_tenant_id uuid, p_outbox_id uuid, p_limit integer) OWNER TO valinor_owner;

--
-- Name: outbox_depth(); Type: FUNCTION; Schema: public; Owner: valinor_lookup
--

CREATE FUNCTION public.outbox_depth() RETURNS TABLE(status text, count bigint, oldest_pending_age_seconds double precision)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  with active as (
    select o.status, o.next_attempt_at from public.channel_outbox o
    where o.status in ('pending', 'sending')
  )
  select s.status, count(a.status),
    case when s.status = 'pending' then coalesce(extract(epoch from
      now() - min(a.next_attempt_at) filter (where a.next_attempt_at <= now())), 0)::double precision
    end
  from (values ('pending'), ('sending')) as s (status)
  left join active a on a.status = s.status
  group by s.status;
$$;


ALTER FUNCTION public.outbox_depth() OWNER TO valinor_lookup;

--
-- Name: FUNCTION outbox_depth(); Type: COMMENT; Schema: public; Owner: valinor_lookup
--

COMMENT ON FUNCTION public.outbox_depth() IS 'Metrics: active outbox rows by status (all tenants) and the oldest due pending age in seconds.';


--
-- Name: outbox_enqueue_reply(uuid, uuid, uuid, text, text, text, text[], integer); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_enqueue_reply(p_tenant_id uuid, p_channel_message_id uuid, p_channel_link_id uuid, p_provider text, p_conversation_id text, p_thread_ref text, p_parts text[], p_max_attempts integer) RETURNS uuid[]
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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
  perform public.enqueue_first_send_outbound(v_ids[1]);
  return v_ids;
end;
$$;


ALTER FUNCTION public.outbox_enqueue_reply(p_tenant_id uuid, p_channel_message_id uuid, p_channel_link_id uuid, p_provider text, p_conversation_id text, p_thread_ref text, p_parts text[], p_max_attempts integer) OWNER TO valinor_owner;

--
-- Name: FUNCTION outbox_enqueue_reply(p_tenant_id uuid, p_channel_message_id uuid, p_channel_link_id uuid, p_provider text, p_conversation_id text, p_thread_ref text, p_parts text[], p_max_attempts integer); Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON FUNCTION public.outbox_enqueue_reply(p_tenant_id uuid, p_channel_message_id uuid, p_channel_link_id uuid, p_provider text, p_conversation_id text, p_thread_ref text, p_parts text[], p_max_attempts integer) IS 'Inserts a reply''s outbox rows (one per part) and the first part''s sendOutbound job; ids in part order.';


--
-- Name: outbox_enter_tenant(uuid); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_enter_tenant(p_tenant_id uuid) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_current text := nullif(current_setting('app.current_tenant_id', true), '');
begin
  if v_current is not null and v_current <> p_tenant_id::text then
    raise exception 'transaction is scoped to another tenant' using errcode = '42501';
  end if;
  perform set_config('app.current_tenant_id', p_tenant_id::text, true);
end;
$$;


ALTER FUNCTION public.outbox_enter_tenant(p_tenant_id uuid) OWNER TO valinor_owner;

--
-- Name: FUNCTION outbox_enter_tenant(p_tenant_id uuid); Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON FUNCTION public.outbox_enter_tenant(p_tenant_id uuid) IS 'Scopes the current transaction to a tenant, unless it is already scoped to another one.';


--
-- Name: outbox_mark_dead(uuid, uuid, uuid, text, timestamp with time zone, text, boolean, integer, text, text); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_mark_dead(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_reason text, p_started_at timestamp with time zone, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.outbox_mark_dead(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_reason text, p_started_at timestamp with time zone, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text) OWNER TO valinor_owner;

--
-- Name: outbox_mark_retry(uuid, uuid, uuid, integer, timestamp with time zone, text, boolean, integer, text, text, boolean, text); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_mark_retry(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_delay_ms integer, p_started_at timestamp with time zone, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text, p_refund boolean DEFAULT false, p_conversation_id text DEFAULT NULL::text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.outbox_mark_retry(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_delay_ms integer, p_started_at timestamp with time zone, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text, p_refund boolean, p_conversation_id text) OWNER TO valinor_owner;

--
-- Name: outbox_mark_sent(uuid, uuid, uuid, text, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_mark_sent(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_provider_message_id text, p_started_at timestamp with time zone) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.outbox_mark_sent(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_provider_message_id text, p_started_at timestamp with time zone) OWNER TO valinor_owner;

--
-- Name: outbox_mark_sent_batch(uuid, uuid[], uuid[], text[], timestamp with time zone[]); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_mark_sent_batch(p_tenant_id uuid, p_outbox_ids uuid[], p_claim_tokens uuid[], p_provider_message_ids text[], p_started_ats timestamp with time zone[]) RETURNS uuid[]
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_applied uuid[];
begin
  if cardinality(p_outbox_ids) is distinct from cardinality(p_claim_tokens)
    or cardinality(p_outbox_ids) is distinct from cardinality(p_provider_message_ids)
    or cardinality(p_outbox_ids) is distinct from cardinality(p_started_ats) then
    raise exception 'outbox_mark_sent_batch: arrays of different lengths' using errcode = '22023';
  end if;
  perform public.outbox_enter_tenant(p_tenant_id);
  with batch as (
    select * from unnest(p_outbox_ids, p_claim_tokens, p_provider_message_ids, p_started_ats)
      as b (outbox_id, claim_token, provider_message_id, started_at)
  ),
  marked as (
    update public.channel_outbox o
    set status = 'sent', sent_at = now(), provider_message_id = b.provider_message_id,
      claim_token = null, locked_at = null, last_error = null, updated_at = now()
    from batch b
    where o.id = b.outbox_id and o.claim_token = b.claim_token
    returning o.id, o.attempt_count, b.started_at
  ),
  attempts as (
    insert into public.channel_outbox_attempts
      (tenant_id, outbox_id, attempt_number, started_at, outcome, ambiguous, duration_ms)
    select p_tenant_id, m.id, greatest(m.attempt_count, 1), m.started_at, 'sent', false,
      greatest(0, (extract(epoch from (clock_timestamp() - m.started_at)) * 1000)::integer)
    from marked m
  )
  select coalesce(array_agg(m.id), '{}') into v_applied from marked m;
  perform public.enqueue_send_outbound(next_part.id)
  from public.channel_outbox done
  join public.channel_outbox next_part
    on next_part.channel_message_id = done.channel_message_id
    and next_part.part_index = done.part_index + 1
  where done.id = any (v_applied) and next_part.status = 'pending';
  return v_applied;
end;
$$;


ALTER FUNCTION public.outbox_mark_sent_batch(p_tenant_id uuid, p_outbox_ids uuid[], p_claim_tokens uuid[], p_provider_message_ids text[], p_started_ats timestamp with time zone[]) OWNER TO valinor_owner;

--
-- Name: outbox_pause_link(uuid, uuid, uuid, timestamp with time zone, integer, text, text); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_pause_link(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_started_at timestamp with time zone, p_provider_status integer, p_provider_code text, p_error text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.outbox_pause_link(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_started_at timestamp with time zone, p_provider_status integer, p_provider_code text, p_error text) OWNER TO valinor_owner;

--
-- Name: outbox_reconcile(uuid, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_reconcile(p_tenant_id uuid, p_stale_before timestamp with time zone, p_due_before timestamp with time zone) RETURNS TABLE(recovered integer, exhausted integer, requeued integer)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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
        -- A job counts if it can still run, or if a live worker holds it. A job locked before
        -- the stale cut-off belongs to a worker that died (graphile-worker frees such locks
        -- only after hours); enqueue_send_outbound then retires it and adds a fresh one.
        select 1 from graphile_worker.jobs j
        where j.key = 'sendOutbound:' || o.id::text
          and ((j.locked_at is null and j.attempts < j.max_attempts) or j.locked_at >= p_stale_before)
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


ALTER FUNCTION public.outbox_reconcile(p_tenant_id uuid, p_stale_before timestamp with time zone, p_due_before timestamp with time zone) OWNER TO valinor_owner;

--
-- Name: outbox_record_attempt(uuid, uuid, integer, timestamp with time zone, text, text, boolean, integer, text, text); Type: FUNCTION; Schema: public; Owner: valinor_owner
--

CREATE FUNCTION public.outbox_record_attempt(p_tenant_id uuid, p_outbox_id uuid, p_attempt_number integer, p_started_at timestamp with time zone, p_outcome text, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  insert into public.channel_outbox_attempts
    (tenant_id, outbox_id, attempt_number, started_at, outcome, error_class, ambiguous,
     provider_status, provider_code, error, duration_ms)
  values
    (p_tenant_id, p_outbox_id, greatest(p_attempt_number, 1), p_started_at, p_outcome,
     p_error_class, coalesce(p_ambiguous, false), p_provider_status, left(p_provider_code, 200),
     left(p_error, 2000),
     greatest(0, (extract(epoch from (clock_timestamp() - p_started_at)) * 1000)::integer));
$$;


ALTER FUNCTION public.outbox_record_attempt(p_tenant_id uuid, p_outbox_id uuid, p_attempt_number integer, p_started_at timestamp with time zone, p_outcome text, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text) OWNER TO valinor_owner;

--
-- Name: resolve_channel_link(text, uuid); Type: FUNCTION; Schema: public; Owner: valinor_lookup
--

CREATE FUNCTION public.resolve_channel_link(provider text, link_id uuid) RETURNS TABLE(id uuid, tenant_id uuid, provider text, external_account_id text, inbound_secret text, settings jsonb, status text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select l.id, l.tenant_id, l.provider, l.external_account_id, l.inbound_secret, l.settings, l.status
  from public.channel_links l
  where l.id = resolve_channel_link.link_id and l.provider = resolve_channel_link.provider;
$$;


ALTER FUNCTION public.resolve_channel_link(provider text, link_id uuid) OWNER TO valinor_lookup;

--
-- Name: FUNCTION resolve_channel_link(provider text, link_id uuid); Type: COMMENT; Schema: public; Owner: valinor_lookup
--

COMMENT ON FUNCTION public.resolve_channel_link(provider text, link_id uuid) IS 'Inbound webhooks: the link (and its verification material) for a provider and link id.';


--
-- Name: tenant_of_link(uuid); Type: FUNCTION; Schema: public; Owner: valinor_lookup
--

CREATE FUNCTION public.tenant_of_link(link_id uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select l.tenant_id from public.channel_links l where l.id = tenant_of_link.link_id;
$$;


ALTER FUNCTION public.tenant_of_link(link_id uuid) OWNER TO valinor_lookup;

--
-- Name: FUNCTION tenant_of_link(link_id uuid); Type: COMMENT; Schema: public; Owner: valinor_lookup
--

COMMENT ON FUNCTION public.tenant_of_link(link_id uuid) IS 'Operator CLI: the tenant that owns a channel link.';


--
-- Name: tenant_of_outbox(uuid); Type: FUNCTION; Schema: public; Owner: valinor_lookup
--

CREATE FUNCTION public.tenant_of_outbox(outbox_id uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select o.tenant_id from public.channel_outbox o where o.id = tenant_of_outbox.outbox_id;
$$;


ALTER FUNCTION public.tenant_of_outbox(outbox_id uuid) OWNER TO valinor_lookup;

--
-- Name: FUNCTION tenant_of_outbox(outbox_id uuid); Type: COMMENT; Schema: public; Owner: valinor_lookup
--

COMMENT ON FUNCTION public.tenant_of_outbox(outbox_id uuid) IS 'Operator CLI: the tenant that owns an outbox row.';


--
-- Name: tenants_with_outbox_work(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: valinor_lookup
--

CREATE FUNCTION public.tenants_with_outbox_work(stale_before timestamp with time zone, due_before timestamp with time zone) RETURNS TABLE(tenant_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select distinct o.tenant_id
  from public.channel_outbox o
  where o.status in ('pending', 'sending')
    and (
      (o.status = 'sending' and o.locked_at < tenants_with_outbox_work.stale_before)
      or (o.status = 'pending' and o.next_attempt_at < tenants_with_outbox_work.due_before)
    );
$$;


ALTER FUNCTION public.tenants_with_outbox_work(stale_before timestamp with time zone, due_before timestamp with time zone) OWNER TO valinor_lookup;

--
-- Name: FUNCTION tenants_with_outbox_work(stale_before timestamp with time zone, due_before timestamp with time zone); Type: COMMENT; Schema: public; Owner: valinor_lookup
--

COMMENT ON FUNCTION public.tenants_with_outbox_work(stale_before timestamp with time zone, due_before timestamp with time zone) IS 'Reconciler: ids of tenants that have stale sending rows or overdue pending rows.';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: channel_links; Type: TABLE; Schema: public; Owner: valinor_owner
--

CREATE TABLE public.channel_links (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    provider text NOT NULL,
    name text DEFAULT ''::text NOT NULL,
    external_account_id text,
    inbound_secret text NOT NULL,
    outbound_credentials text,
    settings jsonb DEFAULT '{}'::jsonb NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    paused_reason text,
    paused_until timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT channel_links_external_account_id_check CHECK ((length(external_account_id) <= 200)),
    CONSTRAINT channel_links_name_check CHECK ((length(name) <= 200)),
    CONSTRAINT channel_links_paused_reason_check CHECK ((length(paused_reason) <= 1000)),
    CONSTRAINT channel_links_provider_check CHECK ((provider = ANY (ARRAY['slack'::text, 'telegram'::text, 'whatsapp'::text, 'webhook'::text]))),
    CONSTRAINT channel_links_settings_check CHECK ((jsonb_typeof(settings) = 'object'::text)),
    CONSTRAINT channel_links_status_check CHECK ((status = ANY (ARRAY['active'::text, 'paused'::text, 'disabled'::text])))
);

ALTER TABLE ONLY public.channel_links FORCE ROW LEVEL SECURITY;


ALTER TABLE public.channel_links OWNER TO valinor_owner;

--
-- Name: TABLE channel_links; Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON TABLE public.channel_links IS 'A provider account (Slack team, Telegram bot, WhatsApp number, webhook endpoint) of one tenant.';


--
-- Name: channel_messages; Type: TABLE; Schema: public; Owner: valinor_owner
--

CREATE TABLE public.channel_messages (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    channel_link_id uuid NOT NULL,
    external_message_id text NOT NULL,
    conversation_id text NOT NULL,
    sender_id text NOT NULL,
    thread_ref text,
    text text NOT NULL,
    status text DEFAULT 'received'::text NOT NULL,
    reason text,
    processing_until timestamp with time zone,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    decided_at timestamp with time zone,
    CONSTRAINT channel_messages_conversation_id_check CHECK ((length(conversation_id) <= 500)),
    CONSTRAINT channel_messages_external_message_id_check CHECK (((length(external_message_id) >= 1) AND (length(external_message_id) <= 500))),
    CONSTRAINT channel_messages_reason_check CHECK ((length(reason) <= 2000)),
    CONSTRAINT channel_messages_sender_id_check CHECK ((length(sender_id) <= 500)),
    CONSTRAINT channel_messages_status_check CHECK ((status = ANY (ARRAY['received'::text, 'executed'::text, 'denied'::text, 'ignored'::text, 'execution_failed'::text, 'dispatch_failed'::text]))),
    CONSTRAINT channel_messages_thread_ref_check CHECK ((length(thread_ref) <= 500))
);

ALTER TABLE ONLY public.channel_messages FORCE ROW LEVEL SECURITY;


ALTER TABLE public.channel_messages OWNER TO valinor_owner;

--
-- Name: TABLE channel_messages; Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON TABLE public.channel_messages IS 'One inbound message per (link, provider message id); its status records the decision.';


--
-- Name: channel_outbox; Type: TABLE; Schema: public; Owner: valinor_owner
--

CREATE TABLE public.channel_outbox (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    channel_message_id uuid NOT NULL,
    part_index integer DEFAULT 0 NOT NULL,
    channel_link_id uuid NOT NULL,
    provider text NOT NULL,
    conversation_id text NOT NULL,
    thread_ref text,
    content text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    attempt_count integer DEFAULT 0 NOT NULL,
    max_attempts integer NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    locked_at timestamp with time zone,
    claim_token uuid,
    last_error text,
    dead_reason text,
    provider_message_id text,
    sent_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT channel_outbox_attempt_count_check CHECK ((attempt_count >= 0)),
    CONSTRAINT channel_outbox_check CHECK (((status = 'sending'::text) = ((claim_token IS NOT NULL) AND (locked_at IS NOT NULL)))),
    CONSTRAINT channel_outbox_check1 CHECK (((status = 'sent'::text) = (sent_at IS NOT NULL))),
    CONSTRAINT channel_outbox_check2 CHECK (((status = 'dead'::text) = (dead_reason IS NOT NULL))),
    CONSTRAINT channel_outbox_dead_reason_check CHECK ((dead_reason = ANY (ARRAY['permanent'::text, 'exhausted'::text, 'expired'::text]))),
    CONSTRAINT channel_outbox_last_error_check CHECK ((length(last_error) <= 2000)),
    CONSTRAINT channel_outbox_max_attempts_check CHECK ((max_attempts > 0)),
    CONSTRAINT channel_outbox_part_index_check CHECK ((part_index >= 0)),
    CONSTRAINT channel_outbox_provider_check CHECK ((provider = ANY (ARRAY['slack'::text, 'telegram'::text, 'whatsapp'::text, 'webhook'::text]))),
    CONSTRAINT channel_outbox_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'sending'::text, 'sent'::text, 'dead'::text])))
);

ALTER TABLE ONLY public.channel_outbox FORCE ROW LEVEL SECURITY;


ALTER TABLE public.channel_outbox OWNER TO valinor_owner;

--
-- Name: TABLE channel_outbox; Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON TABLE public.channel_outbox IS 'Replies to deliver. The source of truth for delivery: pending -> sending -> sent | dead.';


--
-- Name: channel_outbox_attempts; Type: TABLE; Schema: public; Owner: valinor_owner
--

CREATE TABLE public.channel_outbox_attempts (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    outbox_id uuid NOT NULL,
    attempt_number integer NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone DEFAULT now() NOT NULL,
    outcome text NOT NULL,
    error_class text,
    ambiguous boolean DEFAULT false NOT NULL,
    provider_status integer,
    provider_code text,
    error text,
    duration_ms integer,
    CONSTRAINT channel_outbox_attempts_attempt_number_check CHECK ((attempt_number > 0)),
    CONSTRAINT channel_outbox_attempts_duration_ms_check CHECK ((duration_ms >= 0)),
    CONSTRAINT channel_outbox_attempts_error_check CHECK ((length(error) <= 2000)),
    CONSTRAINT channel_outbox_attempts_error_class_check CHECK ((error_class = ANY (ARRAY['transient'::text, 'rateLimited'::text, 'permanent'::text, 'linkLevel'::text]))),
    CONSTRAINT channel_outbox_attempts_outcome_check CHECK ((outcome = ANY (ARRAY['sent'::text, 'retry'::text, 'dead'::text, 'abandoned'::text]))),
    CONSTRAINT channel_outbox_attempts_provider_code_check CHECK ((length(provider_code) <= 200))
);

ALTER TABLE ONLY public.channel_outbox_attempts FORCE ROW LEVEL SECURITY;


ALTER TABLE public.channel_outbox_attempts OWNER TO valinor_owner;

--
-- Name: TABLE channel_outbox_attempts; Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON TABLE public.channel_outbox_attempts IS 'Every send attempt and its outcome; an abandoned attempt marks a send whose worker died.';


--
-- Name: channel_outbox_attempts_id_seq; Type: SEQUENCE; Schema: public; Owner: valinor_owner
--

ALTER TABLE public.channel_outbox_attempts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.channel_outbox_attempts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tenants; Type: TABLE; Schema: public; Owner: valinor_owner
--

CREATE TABLE public.tenants (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tenants_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200)))
);


ALTER TABLE public.tenants OWNER TO valinor_owner;

--
-- Name: TABLE tenants; Type: COMMENT; Schema: public; Owner: valinor_owner
--

COMMENT ON TABLE public.tenants IS 'A customer of Valinor. Not tenant-scoped itself: only the owner role (operator CLI, worker) reads it.';


--
-- Name: channel_links channel_links_pkey; Type: CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_links
    ADD CONSTRAINT channel_links_pkey PRIMARY KEY (id);


--
-- Name: channel_links channel_links_tenant_id_id_key; Type: CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_links
    ADD CONSTRAINT channel_links_tenant_id_id_key UNIQUE (tenant_id, id);


--
-- Name: channel_messages channel_messages_channel_link_id_external_message_id_key; Type: CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_messages
    ADD CONSTRAINT channel_messages_channel_link_id_external_message_id_key UNIQUE (channel_link_id, external_message_id);


--
-- Name: channel_messages channel_messages_pkey; Type: CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_messages
    ADD CONSTRAINT channel_messages_pkey PRIMARY KEY (id);


--
-- Name: channel_messages channel_messages_tenant_id_id_key; Type: CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_messages
    ADD CONSTRAINT channel_messages_tenant_id_id_key UNIQUE (tenant_id, id);


--
-- Name: channel_outbox_attempts channel_outbox_attempts_pkey; Type: CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_outbox_attempts
    ADD CONSTRAINT channel_outbox_attempts_pkey PRIMARY KEY (id);


--
-- Name: channel_outbox channel_outbox_channel_message_id_part_index_key; Type: CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_outbox
    ADD CONSTRAINT channel_outbox_channel_message_id_part_index_key UNIQUE (channel_message_id, part_index);


--
-- Name: channel_outbox channel_outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_outbox
    ADD CONSTRAINT channel_outbox_pkey PRIMARY KEY (id);


--
-- Name: channel_outbox channel_outbox_tenant_id_id_key; Type: CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_outbox
    ADD CONSTRAINT channel_outbox_tenant_id_id_key UNIQUE (tenant_id, id);


--
-- Name: tenants tenants_pkey; Type: CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);


--
-- Name: channel_links_tenant_id_idx; Type: INDEX; Schema: public; Owner: valinor_owner
--

CREATE INDEX channel_links_tenant_id_idx ON public.channel_links USING btree (tenant_id);


--
-- Name: channel_messages_tenant_status_idx; Type: INDEX; Schema: public; Owner: valinor_owner
--

CREATE INDEX channel_messages_tenant_status_idx ON public.channel_messages USING btree (tenant_id, status, received_at);


--
-- Name: channel_outbox_active_idx; Type: INDEX; Schema: public; Owner: valinor_owner
--

CREATE INDEX channel_outbox_active_idx ON public.channel_outbox USING btree (next_attempt_at) INCLUDE (tenant_id, status, locked_at, channel_link_id) WHERE (status = ANY (ARRAY['pending'::text, 'sending'::text]));


--
-- Name: channel_outbox_attempts_outbox_idx; Type: INDEX; Schema: public; Owner: valinor_owner
--

CREATE INDEX channel_outbox_attempts_outbox_idx ON public.channel_outbox_attempts USING btree (outbox_id, attempt_number);


--
-- Name: channel_outbox_attempts_tenant_idx; Type: INDEX; Schema: public; Owner: valinor_owner
--

CREATE INDEX channel_outbox_attempts_tenant_idx ON public.channel_outbox_attempts USING btree (tenant_id);


--
-- Name: channel_outbox_channel_link_id_idx; Type: INDEX; Schema: public; Owner: valinor_owner
--

CREATE INDEX channel_outbox_channel_link_id_idx ON public.channel_outbox USING btree (channel_link_id);


--
-- Name: channel_outbox_link_due_idx; Type: INDEX; Schema: public; Owner: valinor_owner
--

CREATE INDEX channel_outbox_link_due_idx ON public.channel_outbox USING btree (channel_link_id, next_attempt_at) WHERE (status = 'pending'::text);


--
-- Name: channel_outbox_tenant_status_next_idx; Type: INDEX; Schema: public; Owner: valinor_owner
--

CREATE INDEX channel_outbox_tenant_status_next_idx ON public.channel_outbox USING btree (tenant_id, status, next_attempt_at);


--
-- Name: channel_links channel_links_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_links
    ADD CONSTRAINT channel_links_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: channel_messages channel_messages_tenant_id_channel_link_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_messages
    ADD CONSTRAINT channel_messages_tenant_id_channel_link_id_fkey FOREIGN KEY (tenant_id, channel_link_id) REFERENCES public.channel_links(tenant_id, id) ON DELETE CASCADE;


--
-- Name: channel_messages channel_messages_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_messages
    ADD CONSTRAINT channel_messages_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: channel_outbox_attempts channel_outbox_attempts_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_outbox_attempts
    ADD CONSTRAINT channel_outbox_attempts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: channel_outbox_attempts channel_outbox_attempts_tenant_id_outbox_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_outbox_attempts
    ADD CONSTRAINT channel_outbox_attempts_tenant_id_outbox_id_fkey FOREIGN KEY (tenant_id, outbox_id) REFERENCES public.channel_outbox(tenant_id, id) ON DELETE CASCADE;


--
-- Name: channel_outbox channel_outbox_tenant_id_channel_link_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_outbox
    ADD CONSTRAINT channel_outbox_tenant_id_channel_link_id_fkey FOREIGN KEY (tenant_id, channel_link_id) REFERENCES public.channel_links(tenant_id, id) ON DELETE CASCADE;


--
-- Name: channel_outbox channel_outbox_tenant_id_channel_message_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_outbox
    ADD CONSTRAINT channel_outbox_tenant_id_channel_message_id_fkey FOREIGN KEY (tenant_id, channel_message_id) REFERENCES public.channel_messages(tenant_id, id) ON DELETE CASCADE;


--
-- Name: channel_outbox channel_outbox_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: valinor_owner
--

ALTER TABLE ONLY public.channel_outbox
    ADD CONSTRAINT channel_outbox_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: channel_links; Type: ROW SECURITY; Schema: public; Owner: valinor_owner
--

ALTER TABLE public.channel_links ENABLE ROW LEVEL SECURITY;

--
-- Name: channel_messages; Type: ROW SECURITY; Schema: public; Owner: valinor_owner
--

ALTER TABLE public.channel_messages ENABLE ROW LEVEL SECURITY;

--
-- Name: channel_outbox; Type: ROW SECURITY; Schema: public; Owner: valinor_owner
--

ALTER TABLE public.channel_outbox ENABLE ROW LEVEL SECURITY;

--
-- Name: channel_outbox_attempts; Type: ROW SECURITY; Schema: public; Owner: valinor_owner
--

ALTER TABLE public.channel_outbox_attempts ENABLE ROW LEVEL SECURITY;

--
-- Name: channel_links tenant_isolation; Type: POLICY; Schema: public; Owner: valinor_owner
--

CREATE POLICY tenant_isolation ON public.channel_links USING ((tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid)) WITH CHECK ((tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid));


--
-- Name: channel_messages tenant_isolation; Type: POLICY; Schema: public; Owner: valinor_owner
--

CREATE POLICY tenant_isolation ON public.channel_messages USING ((tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid)) WITH CHECK ((tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid));


--
-- Name: channel_outbox tenant_isolation; Type: POLICY; Schema: public; Owner: valinor_owner
--

CREATE POLICY tenant_isolation ON public.channel_outbox USING ((tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid)) WITH CHECK ((tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid));


--
-- Name: channel_outbox_attempts tenant_isolation; Type: POLICY; Schema: public; Owner: valinor_owner
--

CREATE POLICY tenant_isolation ON public.channel_outbox_attempts USING ((tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid)) WITH CHECK ((tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid));


--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: valinor_owner
--

REVOKE USAGE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO valinor_app;
GRANT USAGE ON SCHEMA public TO valinor_lookup;


--
-- Name: FUNCTION enqueue_first_send_outbound(outbox_id uuid); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.enqueue_first_send_outbound(outbox_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.enqueue_first_send_outbound(outbox_id uuid) TO valinor_app;


--
-- Name: FUNCTION enqueue_send_outbound(outbox_id uuid, run_at timestamp with time zone); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.enqueue_send_outbound(outbox_id uuid, run_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.enqueue_send_outbound(outbox_id uuid, run_at timestamp with time zone) TO valinor_app;


--
-- Name: FUNCTION inbound_claim_message(p_tenant_id uuid, p_link_id uuid, p_external_message_id text, p_conversation_id text, p_sender_id text, p_thread_ref text, p_text text, p_lease_ms integer); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.inbound_claim_message(p_tenant_id uuid, p_link_id uuid, p_external_message_id text, p_conversation_id text, p_sender_id text, p_thread_ref text, p_text text, p_lease_ms integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.inbound_claim_message(p_tenant_id uuid, p_link_id uuid, p_external_message_id text, p_conversation_id text, p_sender_id text, p_thread_ref text, p_text text, p_lease_ms integer) TO valinor_app;


--
-- Name: FUNCTION inbound_record_decision(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_status text, p_reason text); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.inbound_record_decision(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_status text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.inbound_record_decision(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_status text, p_reason text) TO valinor_app;


--
-- Name: FUNCTION inbound_record_executed(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_parts text[], p_max_attempts integer, OUT recorded boolean, OUT outbox_ids uuid[]); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.inbound_record_executed(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_parts text[], p_max_attempts integer, OUT recorded boolean, OUT outbox_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.inbound_record_executed(p_tenant_id uuid, p_message_id uuid, p_lease_until timestamp with time zone, p_parts text[], p_max_attempts integer, OUT recorded boolean, OUT outbox_ids uuid[]) TO valinor_app;


--
-- Name: FUNCTION migration_status(); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.migration_status() FROM PUBLIC;
GRANT ALL ON FUNCTION public.migration_status() TO valinor_app;


--
-- Name: FUNCTION outbox_claim(p_tenant_id uuid, p_outbox_id uuid); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_claim(p_tenant_id uuid, p_outbox_id uuid) FROM PUBLIC;


--
-- Name: FUNCTION outbox_claim_batch(p_tenant_id uuid, p_outbox_id uuid, p_limit integer); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_claim_batch(p_tenant_id uuid, p_outbox_id uuid, p_limit integer) FROM PUBLIC;


--
-- Name: FUNCTION outbox_depth(); Type: ACL; Schema: public; Owner: valinor_lookup
--

REVOKE ALL ON FUNCTION public.outbox_depth() FROM PUBLIC;
GRANT ALL ON FUNCTION public.outbox_depth() TO valinor_app;


--
-- Name: FUNCTION outbox_enqueue_reply(p_tenant_id uuid, p_channel_message_id uuid, p_channel_link_id uuid, p_provider text, p_conversation_id text, p_thread_ref text, p_parts text[], p_max_attempts integer); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_enqueue_reply(p_tenant_id uuid, p_channel_message_id uuid, p_channel_link_id uuid, p_provider text, p_conversation_id text, p_thread_ref text, p_parts text[], p_max_attempts integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.outbox_enqueue_reply(p_tenant_id uuid, p_channel_message_id uuid, p_channel_link_id uuid, p_provider text, p_conversation_id text, p_thread_ref text, p_parts text[], p_max_attempts integer) TO valinor_app;


--
-- Name: FUNCTION outbox_enter_tenant(p_tenant_id uuid); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_enter_tenant(p_tenant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.outbox_enter_tenant(p_tenant_id uuid) TO valinor_app;


--
-- Name: FUNCTION outbox_mark_dead(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_reason text, p_started_at timestamp with time zone, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_mark_dead(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_reason text, p_started_at timestamp with time zone, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text) FROM PUBLIC;


--
-- Name: FUNCTION outbox_mark_retry(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_delay_ms integer, p_started_at timestamp with time zone, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text, p_refund boolean, p_conversation_id text); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_mark_retry(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_delay_ms integer, p_started_at timestamp with time zone, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text, p_refund boolean, p_conversation_id text) FROM PUBLIC;


--
-- Name: FUNCTION outbox_mark_sent(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_provider_message_id text, p_started_at timestamp with time zone); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_mark_sent(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_provider_message_id text, p_started_at timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION outbox_mark_sent_batch(p_tenant_id uuid, p_outbox_ids uuid[], p_claim_tokens uuid[], p_provider_message_ids text[], p_started_ats timestamp with time zone[]); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_mark_sent_batch(p_tenant_id uuid, p_outbox_ids uuid[], p_claim_tokens uuid[], p_provider_message_ids text[], p_started_ats timestamp with time zone[]) FROM PUBLIC;


--
-- Name: FUNCTION outbox_pause_link(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_started_at timestamp with time zone, p_provider_status integer, p_provider_code text, p_error text); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_pause_link(p_tenant_id uuid, p_outbox_id uuid, p_claim_token uuid, p_started_at timestamp with time zone, p_provider_status integer, p_provider_code text, p_error text) FROM PUBLIC;


--
-- Name: FUNCTION outbox_reconcile(p_tenant_id uuid, p_stale_before timestamp with time zone, p_due_before timestamp with time zone); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_reconcile(p_tenant_id uuid, p_stale_before timestamp with time zone, p_due_before timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION outbox_record_attempt(p_tenant_id uuid, p_outbox_id uuid, p_attempt_number integer, p_started_at timestamp with time zone, p_outcome text, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text); Type: ACL; Schema: public; Owner: valinor_owner
--

REVOKE ALL ON FUNCTION public.outbox_record_attempt(p_tenant_id uuid, p_outbox_id uuid, p_attempt_number integer, p_started_at timestamp with time zone, p_outcome text, p_error_class text, p_ambiguous boolean, p_provider_status integer, p_provider_code text, p_error text) FROM PUBLIC;


--
-- Name: FUNCTION resolve_channel_link(provider text, link_id uuid); Type: ACL; Schema: public; Owner: valinor_lookup
--

REVOKE ALL ON FUNCTION public.resolve_channel_link(provider text, link_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.resolve_channel_link(provider text, link_id uuid) TO valinor_app;


--
-- Name: FUNCTION tenant_of_link(link_id uuid); Type: ACL; Schema: public; Owner: valinor_lookup
--

REVOKE ALL ON FUNCTION public.tenant_of_link(link_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.tenant_of_link(link_id uuid) TO valinor_owner;


--
-- Name: FUNCTION tenant_of_outbox(outbox_id uuid); Type: ACL; Schema: public; Owner: valinor_lookup
--

REVOKE ALL ON FUNCTION public.tenant_of_outbox(outbox_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.tenant_of_outbox(outbox_id uuid) TO valinor_owner;


--
-- Name: FUNCTION tenants_with_outbox_work(stale_before timestamp with time zone, due_before timestamp with time zone); Type: ACL; Schema: public; Owner: valinor_lookup
--

REVOKE ALL ON FUNCTION public.tenants_with_outbox_work(stale_before timestamp with time zone, due_before timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.tenants_with_outbox_work(stale_before timestamp with time zone, due_before timestamp with time zone) TO valinor_owner;


--
-- Name: TABLE channel_links; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT ON TABLE public.channel_links TO valinor_app;


--
-- Name: COLUMN channel_links.id; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(id) ON TABLE public.channel_links TO valinor_lookup;


--
-- Name: COLUMN channel_links.tenant_id; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(tenant_id) ON TABLE public.channel_links TO valinor_lookup;


--
-- Name: COLUMN channel_links.provider; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(provider) ON TABLE public.channel_links TO valinor_lookup;


--
-- Name: COLUMN channel_links.external_account_id; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(external_account_id) ON TABLE public.channel_links TO valinor_lookup;


--
-- Name: COLUMN channel_links.inbound_secret; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(inbound_secret) ON TABLE public.channel_links TO valinor_lookup;


--
-- Name: COLUMN channel_links.settings; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(settings) ON TABLE public.channel_links TO valinor_lookup;


--
-- Name: COLUMN channel_links.status; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(status) ON TABLE public.channel_links TO valinor_lookup;


--
-- Name: TABLE channel_messages; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.channel_messages TO valinor_app;


--
-- Name: TABLE channel_outbox; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT,INSERT ON TABLE public.channel_outbox TO valinor_app;


--
-- Name: COLUMN channel_outbox.id; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(id) ON TABLE public.channel_outbox TO valinor_lookup;


--
-- Name: COLUMN channel_outbox.tenant_id; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(tenant_id) ON TABLE public.channel_outbox TO valinor_lookup;


--
-- Name: COLUMN channel_outbox.status; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(status) ON TABLE public.channel_outbox TO valinor_lookup;


--
-- Name: COLUMN channel_outbox.next_attempt_at; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(next_attempt_at) ON TABLE public.channel_outbox TO valinor_lookup;


--
-- Name: COLUMN channel_outbox.locked_at; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT(locked_at) ON TABLE public.channel_outbox TO valinor_lookup;


--
-- Name: TABLE channel_outbox_attempts; Type: ACL; Schema: public; Owner: valinor_owner
--

GRANT SELECT ON TABLE public.channel_outbox_attempts TO valinor_app;


--
-- PostgreSQL database dump complete
--

\unrestrict valinor

