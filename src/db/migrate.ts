import { fileURLToPath } from "node:url";
import {
  migrate as graphileMigrate,
  Logger as MigrateLogger,
  type Settings,
} from "graphile-migrate";
import { runMigrations } from "graphile-worker";
import { graphileLogFunction, type Logger, toWorkerLogger } from "../logging/logger.ts";
import type { DatabaseRoles } from "./roles.ts";

export const migrationsFolder = fileURLToPath(new URL("../../migrations", import.meta.url));

export function migrateSettings(
  ownerUrl: string,
  roles: DatabaseRoles,
  rootUrl: string | undefined,
): Settings {
  return {
    connectionString: ownerUrl,
    // Only `graphile-migrate reset` uses the root connection; migrate never does.
    rootConnectionString: rootUrl ?? "template1",
    migrationsFolder,
    placeholders: {
      ":DATABASE_APP": roles.app.name,
      ":DATABASE_LOOKUP": roles.lookup,
    },
    databaseOwner: roles.owner.name,
  };
}

/**
 * Installs graphile-worker's schema, then applies the committed migrations, both as the
 * owner role. Worker first: the migrations' functions call graphile_worker.add_job.
 */
export async function migrateDatabase(options: {
  ownerUrl: string;
  rootUrl?: string | undefined;
  roles: DatabaseRoles;
  logger: Logger;
}): Promise<void> {
  await runMigrations({
    connectionString: options.ownerUrl,
    logger: toWorkerLogger(options.logger),
  });
  await graphileMigrate({
    ...migrateSettings(options.ownerUrl, options.roles, options.rootUrl),
    logger: toMigrateLogger(options.logger),
  });
}

/** graphile-migrate checks for its own copy of @graphile/logger's class. */
function toMigrateLogger(logger: Logger): MigrateLogger {
  return new MigrateLogger(() =>
    graphileLogFunction(logger.child({ component: "graphile-migrate" })),
  );
}
