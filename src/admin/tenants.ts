import type { Pool } from "pg";
import { AdminError } from "./adminError.ts";

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
}

// `tenants` has no RLS: the owner reads it directly, and it is the starting point of every walk.
const columns = 'id, name, created_at as "createdAt"';

export async function createTenant(pool: Pool, name: string): Promise<Tenant> {
  const { rows } = await pool.query<Tenant>(
    `insert into public.tenants (name) values ($1) returning ${columns}`,
    [name],
  );
  return rows[0] as Tenant;
}

export async function listTenants(pool: Pool): Promise<Tenant[]> {
  const { rows } = await pool.query<Tenant>(
    `select ${columns} from public.tenants order by created_at, id`,
  );
  return rows;
}

export async function getTenant(pool: Pool, tenantId: string): Promise<Tenant> {
  const { rows } = await pool.query<Tenant>(`select ${columns} from public.tenants where id = $1`, [
    tenantId,
  ]);
  const tenant = rows[0];
  if (!tenant) throw new AdminError(`no tenant ${tenantId}`);
  return tenant;
}

/** The tenants a command covers: one (checked to exist) or all. */
export async function tenantIdsFor(pool: Pool, tenantId: string | undefined): Promise<string[]> {
  if (tenantId) return [(await getTenant(pool, tenantId)).id];
  return (await listTenants(pool)).map((tenant) => tenant.id);
}
