import { writeFileSync } from "node:fs";
import type { Config } from "../config/config.ts";
import { dumpSchema } from "../db/dumpSchema.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { rolesFromUrls } from "../db/roles.ts";
import { setupDatabase } from "../db/setupDatabase.ts";
import type { Logger } from "../logging/logger.ts";
import { UsageError } from "./usageError.ts";

function require(value: string | undefined, variable: string): string {
  if (!value) throw new UsageError(`${variable} must be set for this command`);
  return value;
}

function rolesOf(config: Config) {
  return rolesFromUrls({
    ownerUrl: require(config.database.ownerUrl, "DATABASE_URL"),
    appUrl: require(config.database.appUrl, "APP_DATABASE_URL"),
    lookupRole: config.database.lookupRole,
  });
}

export async function dbSetup(config: Config): Promise<string> {
  const roles = rolesOf(config);
  await setupDatabase(require(config.database.rootUrl, "ROOT_DATABASE_URL"), roles);
  return `roles ${roles.owner.name}, ${roles.app.name}, ${roles.lookup} and database ${roles.database} are set up`;
}

export async function dbMigrate(config: Config, logger: Logger): Promise<string> {
  const roles = rolesOf(config);
  const ownerUrl = require(config.database.ownerUrl, "DATABASE_URL");
  await migrateDatabase({ ownerUrl, rootUrl: config.database.rootUrl, roles, logger });
  return `database ${roles.database} is migrated`;
}

export async function dbDump(config: Config, file: string): Promise<string> {
  writeFileSync(file, dumpSchema(require(config.database.ownerUrl, "DATABASE_URL")));
  return `schema written to ${file}`;
}
