import { readdirSync } from "node:fs";
import type { Pool } from "pg";
import { pgErrorCode } from "../db/pgErrors.ts";

export interface Readiness {
  readonly ready: boolean;
  readonly database: "ok" | "unreachable";
  /** `unverified`: the code ships no migrations folder to compare with. */
  readonly migrations: "current" | "behind" | "unverified" | "missing";
}

/** Counts committed migrations shipped with the code (undefined when the folder is absent). */
export function countCommittedMigrations(
  dir: URL = new URL("../../migrations/committed/", import.meta.url),
): number | undefined {
  try {
    return readdirSync(dir).filter((name) => name.endsWith(".sql")).length;
  } catch {
    return undefined;
  }
}

/**
 * Database reachable through the app pool, and migrations current: the applied count (through
 * the SECURITY DEFINER `public.migration_status()`, since the app role cannot read
 * graphile_migrate) is at least the committed count. Without that function, the schema's
 * presence (`public.channel_outbox`) is the check.
 */
export async function checkReadiness(
  pool: Pool,
  committedMigrations: number | undefined,
): Promise<Readiness> {
  let schemaPresent: boolean;
  try {
    const { rows } = await pool.query<{ present: boolean }>(
      "select to_regclass('public.channel_outbox') is not null as present",
    );
    schemaPresent = rows[0]?.present === true;
  } catch {
    return { ready: false, database: "unreachable", migrations: "unverified" };
  }
  if (!schemaPresent) return { ready: false, database: "ok", migrations: "missing" };
  try {
    const { rows } = await pool.query<{ applied_count: string }>(
      "select applied_count from public.migration_status()",
    );
    const applied = Number(rows[0]?.applied_count ?? 0);
    if (committedMigrations === undefined)
      return { ready: true, database: "ok", migrations: "unverified" };
    const current = applied >= committedMigrations;
    return { ready: current, database: "ok", migrations: current ? "current" : "behind" };
  } catch (error) {
    // Without migration_status() the database predates this code's migrations.
    if (pgErrorCode(error) === "42883")
      return { ready: false, database: "ok", migrations: "behind" };
    return { ready: false, database: "unreachable", migrations: "unverified" };
  }
}
