import { ConfigError, getConfig } from "./config/config.ts";
import { startDemo } from "./demo/startDemo.ts";
import { makeLogger } from "./logging/logger.ts";
import { openDatabaseEnvironment } from "./runtime/databaseEnvironment.ts";
import { type RunningValinor, startValinor } from "./runtime/startValinor.ts";

/**
 * `npm start`: the database (embedded unless DATABASE_URL is set), migrations, the HTTP API
 * and an in-process worker. `--api-only` (npm run serve) runs the API alone against a
 * database that is already set up and migrated.
 */
async function main(argv: string[]): Promise<void> {
  const apiOnly = argv.includes("--api-only");
  const config = getConfig();
  const logger = makeLogger(config.logLevel);
  const database = apiOnly
    ? { config, stop: async () => {} }
    : await openDatabaseEnvironment(config, logger);
  let valinor: RunningValinor | undefined;
  let demo: { close(): Promise<void> } | undefined;

  let stopping = false;
  const shutdown = async (reason: string) => {
    // npm forwards the terminal's SIGINT to us a second time: repeats must not kill the shutdown.
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "shutting down");
    try {
      await valinor?.stop();
      await demo?.close();
      await database.stop();
      logger.info("stopped");
    } catch (error) {
      logger.error({ err: error }, "shutdown failed");
      process.exitCode = 1;
    }
  };

  try {
    valinor = await startValinor(database.config, logger, {
      worker: !apiOnly,
      // Like the worker CLI, leave recovery to the supervisor: stop cleanly and exit non-zero.
      onWorkerFailure: () => {
        process.exitCode = 1;
        void shutdown("worker failure");
      },
    });
  } catch (error) {
    await database.stop();
    throw error;
  }
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  logger.info({ url: valinor.server.url, worker: !apiOnly }, "valinor is running");
  if (!apiOnly && !config.database.ownerUrl) {
    demo = await startDemo(database.config, valinor.server.url, logger).catch((error: unknown) => {
      logger.warn({ err: error }, "the demo could not start; Valinor runs without it");
      return undefined;
    });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else makeLogger("fatal").fatal({ err: error }, "valinor failed to start");
  process.exitCode = 1;
});
