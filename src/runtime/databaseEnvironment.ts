import { type Config, loadConfigWith } from "../config/config.ts";
import { startEmbeddedPostgres } from "../db/embeddedPostgres.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { rolesFromUrls, withUrlParts } from "../db/roles.ts";
import { setupDatabase } from "../db/setupDatabase.ts";
import type { Logger } from "../logging/logger.ts";

export interface DatabaseEnvironment {
  /** The configuration with every database URL filled in. */
  readonly config: Config & {
    readonly database: Config["database"] & { ownerUrl: string; appUrl: string };
  };
  /** Stops what this process started (the embedded server); a no-op otherwise. */
  stop(): Promise<void>;
}

const EMBEDDED_OWNER = "valinor_owner";
const EMBEDDED_APP = "valinor_app";
const EMBEDDED_DATABASE = "valinor";

/**
 * With DATABASE_URL set: that server. Without: the embedded default, started in its data
 * folder with generated passwords. Either way, the roles are set up (when a root URL is
 * known) and migrations run before anything else touches the database.
 */
export async function openDatabaseEnvironment(
  config: Config,
  logger: Logger,
): Promise<DatabaseEnvironment> {
  let resolved = config;
  let stop = async () => {};
  if (!config.database.ownerUrl) {
    const embedded = await startEmbeddedPostgres({ ...config.embedded, logger });
    stop = embedded.stop;
    const { credentials, rootUrl } = embedded;
    const url = (user: string, password: string) =>
      withUrlParts(rootUrl, { user, password, database: EMBEDDED_DATABASE });
    resolved = loadConfigWith({
      ROOT_DATABASE_URL: rootUrl,
      DATABASE_URL: url(EMBEDDED_OWNER, credentials.owner),
      APP_DATABASE_URL: url(EMBEDDED_APP, credentials.app),
      SECRETS_KEY: config.secretsKey ?? credentials.secretsKey,
    });
  }
  const { ownerUrl, appUrl, rootUrl, lookupRole } = resolved.database;
  if (!ownerUrl || !appUrl) {
    await stop();
    throw new Error("APP_DATABASE_URL must be set when DATABASE_URL is set");
  }
  try {
    const roles = rolesFromUrls({ ownerUrl, appUrl, lookupRole });
    if (rootUrl) await setupDatabase(rootUrl, roles);
    await migrateDatabase({ ownerUrl, rootUrl, roles, logger });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    config: resolved as DatabaseEnvironment["config"],
    stop,
  };
}
