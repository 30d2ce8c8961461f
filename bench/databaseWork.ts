import type pg from "pg";
import { round } from "./stats.ts";

/** Cumulative WAL and buffer counters of the bench database (superuser view). */
interface Counters {
  readonly walRecords: number;
  readonly walFpi: number;
  readonly walBytes: number;
  readonly blocksHit: number;
  readonly blocksRead: number;
  /** Blocks hit and read per index of the public schema. */
  readonly indexes: ReadonlyMap<string, { hit: number; read: number }>;
}

/** What PostgreSQL did per unit of work between two snapshots. */
export interface DatabaseWork {
  readonly walRecords: number;
  /** Full-page images: a page's first change after a checkpoint is logged whole. */
  readonly walFpi: number;
  readonly walBytes: number;
  /** Shared-buffer hits and reads (a read is a miss: from the OS cache or the disk). */
  readonly blocksHit: number;
  readonly blocksRead: number;
  /** The indexes with the most blocks touched per unit, most first. */
  readonly topIndexes: readonly { name: string; hit: number; read: number }[];
}

// The statistics views catch up when a backend reports: at most once a second, and at exit.
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_200));

async function readCounters(admin: pg.Pool): Promise<Counters> {
  await settle();
  const { rows } = await admin.query<{
    wal_records: string;
    wal_fpi: string;
    wal_bytes: string;
    blks_hit: string;
    blks_read: string;
  }>(
    `select w.wal_records::text, w.wal_fpi::text, w.wal_bytes::text,
       d.blks_hit::text, d.blks_read::text
     from pg_stat_wal w, pg_stat_database d where d.datname = current_database()`,
  );
  const { rows: indexRows } = await admin.query<{ name: string; hit: string; read: string }>(
    `select relname || '.' || indexrelname as name, idx_blks_hit::text as hit,
       idx_blks_read::text as read
     from pg_statio_user_indexes where schemaname = 'public'`,
  );
  const row = rows[0]!;
  return {
    walRecords: Number(row.wal_records),
    walFpi: Number(row.wal_fpi),
    walBytes: Number(row.wal_bytes),
    blocksHit: Number(row.blks_hit),
    blocksRead: Number(row.blks_read),
    indexes: new Map(indexRows.map((r) => [r.name, { hit: Number(r.hit), read: Number(r.read) }])),
  };
}

/**
 * Snapshots the counters now; the returned function reads them again and gives the difference
 * per unit of work (`units` replies, webhooks…). Other work on the database in between counts too.
 */
export async function startDatabaseWork(
  admin: pg.Pool,
): Promise<(units: number) => Promise<DatabaseWork>> {
  const before = await readCounters(admin);
  return async (units) => {
    const after = await readCounters(admin);
    const per = (value: number) => round(value / units, 2);
    const topIndexes = [...after.indexes]
      .map(([name, counts]) => {
        const was = before.indexes.get(name) ?? { hit: 0, read: 0 };
        return { name, hit: per(counts.hit - was.hit), read: per(counts.read - was.read) };
      })
      .sort((a, b) => b.hit + b.read - (a.hit + a.read))
      .slice(0, 6);
    return {
      walRecords: per(after.walRecords - before.walRecords),
      walFpi: per(after.walFpi - before.walFpi),
      walBytes: Math.round((after.walBytes - before.walBytes) / units),
      blocksHit: per(after.blocksHit - before.blocksHit),
      blocksRead: per(after.blocksRead - before.blocksRead),
      topIndexes,
    };
  };
}
