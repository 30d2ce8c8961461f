--! Previous: sha1:2d39e56e6a2af905ef519fef70ff25af37a0c4bc
--! Hash: sha1:4da18084b965eecbeb9213085870329ffbdc019e
--! Message: set-based batch claim and mark, a cheaper first job, one index fewer

-- Set-based batch claim and mark, a cheaper first job, one index fewer (bench items 2 and 4).
-- Profiled with bench/profileHotPaths.ts (pg_stat_statements, nested statements included):
-- a batch's claim and mark ran one PL/pgSQL call per row of the single-row functions, and a
-- webhook's reply spent half its PostgreSQL time in `add_job`'s 'replace' path.

-- The first job of a reply: its outbox row was inserted by the calling statement, so no job
-- with its key can exist, and 'unsafe_dedupe' (insert, or nothing if the key exists) is
-- exactly 'replace' here while skipping replace's scan for a running job to detach (measured
-- with pgbench at C = 10 on PostgreSQL 15: 567 → 904 add_job transactions/s).
-- Callers other than outbox_enqueue_reply keep enqueue_send_outbound's 'replace'.
create or replace function public.enqueue_first_send_outbound(outbox_id uuid)
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

comment on function public.enqueue_first_send_outbound(uuid) is
  'The sendOutbound job of a just-inserted outbox row of the current tenant (no job can hold its key yet).';
revoke all on function public.enqueue_first_send_outbound(uuid) from public;
grant execute on function public.enqueue_first_send_outbound(uuid) to :DATABASE_APP;

create or replace function public.outbox_enqueue_reply(
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
  perform public.enqueue_first_send_outbound(v_ids[1]);
  return v_ids;
end;
$$;

-- The companions are claimed by one UPDATE instead of a call of outbox_claim each. The rules
-- are outbox_claim's: pending, due, earlier parts sent, the link active (outbox_claim has just
-- checked it for the job's own row, and a batch is one link), locked with SKIP LOCKED; the
-- companions' jobs are removed in one statement.
create or replace function public.outbox_claim_batch(p_tenant_id uuid, p_outbox_id uuid, p_limit integer)
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

-- The batch's rows are marked by one UPDATE and their attempt rows written by one INSERT,
-- under outbox_mark_sent's rules: only a row still holding its claim token is marked; the
-- next part of a reply, if pending, gets its job.
create or replace function public.outbox_mark_sent_batch(
  p_tenant_id uuid,
  p_outbox_ids uuid[],
  p_claim_tokens uuid[],
  p_provider_message_ids text[],
  p_started_ats timestamptz[]
)
returns uuid[]
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
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

-- The unique (channel_message_id, part_index) index serves every lookup by message id; the
-- single-column index only cost every insert and non-HOT update one more index entry.
drop index if exists public.channel_outbox_channel_message_id_idx;
