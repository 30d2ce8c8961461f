import { type Config, loadConfigWith } from "../config/config.ts";
import {
  type Credentials,
  embeddedRootUrl,
  readEmbeddedCredentials,
  startEmbeddedPostgres,
} from "../db/embeddedPostgres.ts";
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
/** The configuration pointing at the embedded default's server, roles and secrets key. */
export function embeddedConfig(config: Config, credentials: Credentials): Config {
  const rootUrl = embeddedRootUrl(credentials, config.embedded.port);
  const url = (user: string, password: string) =>
    withUrlParts(rootUrl, { user, password, database: EMBEDDED_DATABASE });
  return loadConfigWith({
    ROOT_DATABASE_URL: rootUrl,
    DATABASE_URL: url(EMBEDDED_OWNER, credentials.owner),
    APP_DATABASE_URL: url(EMBEDDED_APP, credentials.app),
    SECRETS_KEY: config.secretsKey ?? credentials.secretsKey,
  });
}

/** For the CLI: with no DATABASE_URL, the embedded default's settings when `npm start` made one. */
export function configOrEmbedded(config: Config): Config {
  if (config.database.ownerUrl) return config;
  const credentials = readEmbeddedCredentials(config.embedded.dir);
  return credentials ? embeddedConfig(config, credentials) : config;
}

export async function openDatabaseEnvironment(
  config: Config,
  logger: Logger,
): Promise<DatabaseEnvironment> {
  let resolved = config;
  let stop = async () => {};
  if (!config.database.ownerUrl) {
    const embedded = await startEmbeddedPostgres({ ...config.embedded, logger });
    stop = embedded.stop;
    resolved = embeddedConfig(config, embedded.credentials);
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
