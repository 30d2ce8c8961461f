// The stock `graphile-worker` CLI reads this file: `npx graphile-worker` (see README, "Running in production").
import { getConfig } from "./src/config/config.ts";
import { makeLogger } from "./src/logging/logger.ts";
import { workerPreset } from "./src/runtime/workerPreset.ts";

const config = getConfig();
if (!config.database.ownerUrl) {
  throw new Error("DATABASE_URL must be set for the worker (the owner role's connection)");
}

const preset: GraphileConfig.Preset = workerPreset(
  config,
  makeLogger(config.logLevel).child({ process: "worker" }),
);

export default preset;
