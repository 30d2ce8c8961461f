import { getConfig } from "../config/config.ts";
import { makeLogger } from "../logging/logger.ts";
import { makeWorkerDeps, type WorkerDeps } from "./workerTasks.ts";

let shared: WorkerDeps | undefined;

/** The worker's dependencies for the stock graphile-worker CLI, built from the environment on first use. */
export function sharedWorkerDeps(): WorkerDeps {
  if (!shared) {
    const config = getConfig();
    shared = makeWorkerDeps(config, makeLogger(config.logLevel).child({ process: "worker" }));
  }
  return shared;
}
