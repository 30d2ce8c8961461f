--! Previous: sha1:43d5e2b687a7bc3372a94a4c126e9af14429a39e
--! Hash: sha1:e262b1a5eb24623c6bab3ed80695ec3290b3f716
--! Message: batched delivery: claim and mark a link's due rows together

-- Batched delivery: one claim and one mark per batch of a link's due rows instead of per row.
-- A sendOutbound job claims its own row and, in the same statement, up to `p_limit - 1` other
-- due rows of the same channel link, and drops the companions' own jobs so that no other slot
-- spends a claim on them; the successes are marked sent in one statement. Each row still goes
-- through `outbox_claim` and `outbox_mark_sent`, so every rule (due, link active, earlier parts
-- sent, claim token, attempt rows, the next part's job) holds per row as before.

-- The companions: due pending rows of one link, oldest first.
create index if not exists channel_outbox_link_due_idx
  on public.channel_outbox (channel_link_id, next_attempt_at)
  where status = 'pending';

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
  v_companion uuid;
begin
  return query select * from public.outbox_claim(p_tenant_id, p_outbox_id);
  if not found or p_limit <= 1 then
    return;
  end if;
  select o.channel_link_id into v_link from public.channel_outbox o where o.id = p_outbox_id;
  for v_companion in
    select o.id from public.channel_outbox o
    where o.channel_link_id = v_link and o.status = 'pending' and o.next_attempt_at <= now()
      and o.id <> p_outbox_id
    order by o.next_attempt_at, o.id
    limit p_limit - 1
    for update skip locked
  loop
    return query select * from public.outbox_claim(p_tenant_id, v_companion);
    if found then
      -- Its job would only find the row taken; a job already fetched by a worker stays and
      -- finds nothing to claim (remove_job clears its key so it is never retried).
      perform graphile_worker.remove_job('sendOutbound:' || v_companion::text);
    end if;
  end loop;
end;
$$;

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
  v_applied uuid[] := '{}';
begin
  if cardinality(p_outbox_ids) is distinct from cardinality(p_claim_tokens)
    or cardinality(p_outbox_ids) is distinct from cardinality(p_provider_message_ids)
    or cardinality(p_outbox_ids) is distinct from cardinality(p_started_ats) then
    raise exception 'outbox_mark_sent_batch: arrays of different lengths' using errcode = '22023';
  end if;
  for i in 1 .. coalesce(cardinality(p_outbox_ids), 0) loop
    if public.outbox_mark_sent(p_tenant_id, p_outbox_ids[i], p_claim_tokens[i],
        p_provider_message_ids[i], p_started_ats[i]) then
      v_applied := v_applied || p_outbox_ids[i];
    end if;
  end loop;
  return v_applied;
end;
$$;

revoke all on function public.outbox_claim_batch(uuid, uuid, integer) from public;
revoke all on function public.outbox_mark_sent_batch(uuid, uuid[], uuid[], text[], timestamptz[]) from public;
