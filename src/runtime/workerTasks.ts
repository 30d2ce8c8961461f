import type { Task, TaskList } from "graphile-worker";
import type { Config } from "../config/config.ts";
import { makeSecretBox } from "../crypto/secretBox.ts";
import type { Logger } from "../logging/logger.ts";
import { type DeliveryDeps, deliverOutbox } from "../outbox/deliverOutbox.ts";
import { reconcileOutbox } from "../outbox/reconcileOutbox.ts";
import { retainOutbox } from "../outbox/retainOutbox.ts";
import { sendOutboundPayload } from "../outbox/sendOutboundPayload.ts";
import { type AdapterRegistry, makeAdapterRegistry } from "../providers/adapterRegistry.ts";

export type WorkerDeps = DeliveryDeps;

export function makeWorkerDeps(
  config: Config,
  logger: Logger,
  overrides: { adapters?: AdapterRegistry; random?: () => number } = {},
): WorkerDeps {
  if (!config.secretsKey) {
    throw new Error("SECRETS_KEY must be set for the worker (it decrypts link credentials)");
  }
  return {
    config: config.outbox,
    adapters: overrides.adapters ?? makeAdapterRegistry(),
    secretBox: makeSecretBox(config.secretsKey),
    random: overrides.random ?? Math.random,
    logger,
  };
}

/** sendOutbound: validate the payload, then one delivery. Unknown or final rows are a no-op. */
export function makeSendOutboundTask(deps: () => WorkerDeps): Task<"sendOutbound"> {
  return async (payload, helpers) => {
    const job = sendOutboundPayload.parse(payload);
    await deliverOutbox(deps(), helpers, job, helpers.abortSignal);
  };
}

/** reconcileOutbox (crontab, every minute): recover stale sends, re-queue orphaned rows. */
export function makeReconcileOutboxTask(deps: () => WorkerDeps): Task<"reconcileOutbox"> {
  return async (_payload, helpers) => {
    const { config, logger } = deps();
    const summary = await reconcileOutbox(helpers, config, logger);
    helpers.logger.debug(`reconciled outbox: ${JSON.stringify(summary)}`);
  };
}

/** retainOutbox (crontab): delete old sent rows, and dead rows after a longer age, in batches. */
export function makeRetainOutboxTask(deps: () => WorkerDeps): Task<"retainOutbox"> {
  return async (_payload, helpers) => {
    const { config, logger } = deps();
    const summary = await retainOutbox(helpers.withPgClient, config.retention, logger);
    if (summary.sentDeleted + summary.deadDeleted > 0 || summary.tenantsWithBacklog > 0) {
      logger.info(summary, "outbox retention ran");
    }
  };
}

export function makeTaskList(deps: () => WorkerDeps): TaskList {
  return {
    sendOutbound: makeSendOutboundTask(deps) as Task,
    reconcileOutbox: makeReconcileOutboxTask(deps) as Task,
    retainOutbox: makeRetainOutboxTask(deps) as Task,
  };
}
