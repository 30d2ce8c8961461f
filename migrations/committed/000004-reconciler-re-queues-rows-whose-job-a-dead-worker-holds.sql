--! Previous: sha1:b05ac81a437174709feefa41f1039edaa4b1989e
--! Hash: sha1:4a55b93186d7a215e7e2e6c9960e063e70980f0d
--! Message: reconciler re-queues rows whose job a dead worker holds

-- The reconciler again, fixed: a due pending row whose only job was locked by a worker that
-- was killed (found by the fault suite's storm) counted as "has a job" and was never re-queued.
-- Reconciler, per tenant: stale sending rows (their worker died) go back to pending with an
-- abandoned attempt, or dead when the budget is spent; overdue pending rows of active links
-- that have no job get one. Returns how many rows of each kind it touched.
create or replace function public.outbox_reconcile(p_tenant_id uuid, p_stale_before timestamptz, p_due_before timestamptz)
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
