import { fileURLToPath } from "node:url";
import type { Config } from "../config/config.ts";
import type { Logger } from "../logging/logger.ts";
import { toWorkerLogger } from "../logging/logger.ts";

export const taskDirectory = fileURLToPath(new URL("../../tasks", import.meta.url));
export const crontabFile = fileURLToPath(new URL("../../crontab", import.meta.url));

/** graphile-worker settings from Valinor's configuration: the CLI and the in-process runner share them. */
export function workerPreset(config: Config, logger: Logger): GraphileConfig.Preset {
  const { worker } = config;
  return {
    worker: {
      connectionString: config.database.ownerUrl,
      concurrentJobs: worker.concurrency,
      maxPoolSize: worker.poolSize,
      pollInterval: worker.pollIntervalMs,
      taskDirectory,
      crontabFile,
      fileExtensions: [".ts"],
      gracefulShutdownAbortTimeout: worker.shutdownAbortMs,
      logger: toWorkerLogger(logger),
      ...(worker.localQueueSize > 1 ? { localQueue: { size: worker.localQueueSize } } : {}),
      ...(worker.completeJobBatchDelayMs >= 0
        ? { completeJobBatchDelay: worker.completeJobBatchDelayMs }
        : {}),
      ...(worker.failJobBatchDelayMs >= 0 ? { failJobBatchDelay: worker.failJobBatchDelayMs } : {}),
    },
  };
}
