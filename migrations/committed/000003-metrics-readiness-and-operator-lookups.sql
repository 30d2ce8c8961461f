--! Previous: sha1:a2571a4de566b803a6f43f080542ca197313f4e1
--! Hash: sha1:b05ac81a437174709feefa41f1039edaa4b1989e
--! Message: metrics, readiness and operator lookups

-- Narrow read-only functions for the operator CLI, /readyz and /metrics. Each crosses a
-- boundary its caller cannot (tenants, or graphile_migrate), and returns only counts or ids.

drop function if exists public.outbox_depth();
drop function if exists public.migration_status();
drop function if exists public.tenant_of_link(uuid);
drop function if exists public.tenant_of_outbox(uuid);

-- ALTER ... OWNER needs the new owner to be able to create in the schema; only for this step.
grant create on schema public to :DATABASE_LOOKUP;
grant select (id) on public.channel_outbox to :DATABASE_LOOKUP;

-- /metrics: active outbox rows by status across tenants, and how long the oldest due pending
-- row has waited. Reads only the partial index over active work, however large the history.
create function public.outbox_depth()
returns table (status text, count bigint, oldest_pending_age_seconds double precision)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
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
comment on function public.outbox_depth() is
  'Metrics: active outbox rows by status (all tenants) and the oldest due pending age in seconds.';
alter function public.outbox_depth() owner to :DATABASE_LOOKUP;
revoke all on function public.outbox_depth() from public;
grant execute on function public.outbox_depth() to :DATABASE_APP;

-- Operator CLI: which tenant owns a link or an outbox row.
create function public.tenant_of_link(link_id uuid)
returns uuid
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select l.tenant_id from public.channel_links l where l.id = tenant_of_link.link_id;
$$;
comment on function public.tenant_of_link(uuid) is 'Operator CLI: the tenant that owns a channel link.';
alter function public.tenant_of_link(uuid) owner to :DATABASE_LOOKUP;
revoke all on function public.tenant_of_link(uuid) from public;
grant execute on function public.tenant_of_link(uuid) to :DATABASE_OWNER;

create function public.tenant_of_outbox(outbox_id uuid)
returns uuid
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select o.tenant_id from public.channel_outbox o where o.id = tenant_of_outbox.outbox_id;
$$;
comment on function public.tenant_of_outbox(uuid) is 'Operator CLI: the tenant that owns an outbox row.';
alter function public.tenant_of_outbox(uuid) owner to :DATABASE_LOOKUP;
revoke all on function public.tenant_of_outbox(uuid) from public;
grant execute on function public.tenant_of_outbox(uuid) to :DATABASE_OWNER;

revoke create on schema public from :DATABASE_LOOKUP;

-- /readyz: how many migrations are applied (the app role cannot read graphile_migrate).
-- Owned by the owner, which owns graphile_migrate.
create function public.migration_status()
returns table (applied_count bigint)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select count(*) from graphile_migrate.migrations;
$$;
comment on function public.migration_status() is 'Readiness: the number of applied migrations.';
revoke all on function public.migration_status() from public;
grant execute on function public.migration_status() to :DATABASE_APP;
