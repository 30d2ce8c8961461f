import type { Pool, PoolClient } from "pg";

/**
 * Runs `fn` in one transaction on one client with `app.current_tenant_id` set for that
 * transaction only (`set_config(…, true)`), so the setting dies with commit or rollback
 * and never reaches the next user of the pooled client.
 */
export async function withTenant<T>(
  pool: Pool,
  tenantId: string,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTenantTransaction(client, tenantId, fn);
  } finally {
    client.release();
  }
}

/** Same as withTenant, on a client the caller already holds (e.g. a worker job's client). */
export async function inTenantTransaction<T>(
  client: PoolClient,
  tenantId: string,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  await client.query("begin");
  try {
    await client.query("select set_config('app.current_tenant_id', $1, true)", [tenantId]);
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  }
}

/** A plain transaction, for work that crosses no tenant (tenant rows stay invisible). */
export async function inTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    try {
      const result = await fn(client);
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}
