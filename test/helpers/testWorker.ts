import { type Runner, run } from "graphile-worker";
import type { Config } from "../../src/config/config.ts";
import { makeLogger } from "../../src/logging/logger.ts";
import type { AdapterRegistry } from "../../src/providers/adapterRegistry.ts";
import { workerPreset } from "../../src/runtime/workerPreset.ts";
import { makeTaskList, makeWorkerDeps } from "../../src/runtime/workerTasks.ts";

/** A real graphile-worker runner in this process, with Valinor's tasks and settings, no crontab. */
export async function startTestWorker(
  config: Config,
  overrides: { adapters?: AdapterRegistry; random?: () => number } = {},
): Promise<Runner> {
  const logger = makeLogger(config.logLevel);
  const deps = makeWorkerDeps(config, logger, overrides);
  return run({
    preset: workerPreset(config, logger),
    taskList: makeTaskList(() => deps),
    crontab: "# no cron in tests: they call the reconciler themselves",
    noHandleSignals: true,
  });
}
