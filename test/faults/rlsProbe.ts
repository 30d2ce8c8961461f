import pg from "pg";

const tables = ["channel_links", "channel_messages", "channel_outbox", "channel_outbox_attempts"];

/**
 * Connects as each runtime role (owner and app) and, inside each tenant's context, counts the
 * rows of other tenants in every tenant table: all must be 0. Without a tenant set, 0 rows.
 * Also returns how many own rows were visible, so an empty probe cannot pass by accident.
 */
export async function probeRls(
  roles: Readonly<Record<string, string>>,
  tenantIds: readonly string[],
): Promise<{ violations: string[]; ownRowsSeen: number; probes: number }> {
  const violations: string[] = [];
  let ownRowsSeen = 0;
  let probes = 0;
  for (const [role, url] of Object.entries(roles)) {
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => undefined);
    await client.connect();
    try {
      for (const table of tables) {
        const { rows } = await client.query<{ n: number }>(
          `select count(*)::int as n from public.${table}`,
        );
        probes += 1;
        if (rows[0]!.n !== 0)
          violations.push(`${role} sees ${rows[0]!.n} ${table} rows with no tenant set`);
      }
      for (const tenantId of tenantIds) {
        await client.query("begin");
        await client.query("select set_config('app.current_tenant_id', $1, true)", [tenantId]);
        for (const table of tables) {
          const { rows } = await client.query<{ other: number; own: number }>(
            `select count(*) filter (where tenant_id <> $1)::int as other,
                    count(*) filter (where tenant_id = $1)::int as own
             from public.${table}`,
            [tenantId],
          );
          probes += 1;
          ownRowsSeen += rows[0]!.own;
          if (rows[0]!.other !== 0) {
            violations.push(
              `${role} in tenant ${tenantId} sees ${rows[0]!.other} ${table} rows of other tenants`,
            );
          }
        }
        await client.query("commit");
      }
    } finally {
      await client.end();
    }
  }
  if (ownRowsSeen === 0) violations.push("the RLS probe saw no rows at all (vacuous)");
  return { violations, ownRowsSeen, probes };
}
