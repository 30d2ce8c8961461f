import type { Pool } from "pg";
import { Gauge, type Registry } from "prom-client";
import type { Logger } from "../logging/logger.ts";

interface DepthRow {
  status: string;
  count: string;
  oldest_pending_age_seconds: number | null;
}

/**
 * Outbox depth by status and the oldest due pending row's age, read at scrape time through
 * `public.outbox_depth()` (SECURITY DEFINER, owned by the lookup role: the app role cannot see
 * across tenants).
 */
export function registerOutboxDepthMetrics(registry: Registry, pool: Pool, logger: Logger): void {
  let inFlight: Promise<DepthRow[]> | undefined;
  // Both gauges collect in parallel on one scrape: share a single query.
  const readDepth = () => {
    inFlight ??= pool
      .query<DepthRow>("select * from public.outbox_depth()")
      .then((result) => result.rows)
      .catch((error: unknown) => {
        // A scrape must not fail with the database: the gauges stay empty (readyz says why).
        logger.warn({ err: error }, "reading outbox depth failed");
        return [];
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const existing = registry.getSingleMetric("valinor_outbox_depth");
  if (existing) return;
  new Gauge({
    name: "valinor_outbox_depth",
    help: "Outbox rows in active states (pending, sending), across tenants, at scrape time.",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const rows = await readDepth();
      this.reset();
      for (const row of rows) this.set({ status: row.status }, Number(row.count));
    },
  });
  new Gauge({
    name: "valinor_outbox_oldest_pending_age_seconds",
    help: "How long the oldest due pending outbox row has waited past its next_attempt_at.",
    registers: [registry],
    async collect() {
      const rows = await readDepth();
      const ages = rows.map((row) => row.oldest_pending_age_seconds ?? 0);
      this.set(ages.length > 0 ? Math.max(0, ...ages) : 0);
    },
  });
}
