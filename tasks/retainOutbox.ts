import type { Task } from "graphile-worker";
import { z } from "zod";
import { retainOutbox } from "../src/outbox/retainOutbox.ts";
import { sharedWorkerDeps } from "../src/runtime/sharedWorkerDeps.ts";

const day = 24 * 60 * 60_000;

// Until OUTBOX_RETAIN_* exist in src/config/config.ts, the crontab line's JSON payload
// may override these defaults, e.g. {"sentRetainMs": 86400000}.
const retentionPayload = z
  .object({
    sentRetainMs: z
      .number()
      .int()
      .min(60_000)
      .default(7 * day),
    deadRetainMs: z
      .number()
      .int()
      .min(60_000)
      .default(30 * day),
    batchSize: z.number().int().min(1).max(100_000).default(1_000),
    maxBatchesPerTenant: z.number().int().min(1).default(100),
  })
  .refine((value) => value.deadRetainMs >= value.sentRetainMs, {
    message: "deadRetainMs must be at least sentRetainMs",
  });

/** retainOutbox (crontab): delete old sent rows, and dead rows after a longer age, in batches. */
const task: Task = async (payload, helpers) => {
  const settings = retentionPayload.parse(payload ?? {});
  const { logger } = sharedWorkerDeps();
  const summary = await retainOutbox(helpers.withPgClient, settings, logger);
  if (summary.sentDeleted + summary.deadDeleted > 0 || summary.tenantsWithBacklog > 0) {
    logger.info(summary, "outbox retention ran");
  }
};

export default task;
