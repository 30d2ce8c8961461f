import type { Pool } from "pg";
import type { Config } from "../config/config.ts";
import { makeSecretBox, type SecretBox } from "../crypto/secretBox.ts";
import { makePool } from "../db/pools.ts";
import { UsageError } from "./usageError.ts";

/** What a command gets: the configuration and, on first use, an owner-role pool. */
export interface CliContext {
  readonly config: Config;
  pool(): Pool;
  secretBox(): SecretBox;
  close(): Promise<void>;
}

function credentialsHint(config: Config): string {
  return `With the embedded default (npm start), the role passwords and the secrets key are in ${config.embedded.dir}/credentials.json.`;
}

export function makeCliContext(config: Config): CliContext {
  let pool: Pool | undefined;
  return {
    config,
    pool() {
      if (!pool) {
        const url = config.database.ownerUrl;
        if (!url) {
          throw new UsageError(
            `valinor needs DATABASE_URL (the owner role's connection URL, e.g. postgres://valinor_owner:PASSWORD@127.0.0.1:${config.embedded.port}/valinor) and SECRETS_KEY to create links.\n${credentialsHint(config)}`,
          );
        }
        pool = makePool(url, 2);
      }
      return pool;
    },
    secretBox() {
      if (!config.secretsKey) {
        throw new UsageError(
          `SECRETS_KEY must be set (32 bytes, base64: the key that seals link secrets; use the same key as the server and worker).\n${credentialsHint(config)}`,
        );
      }
      return makeSecretBox(config.secretsKey);
    },
    async close() {
      await pool?.end();
    },
  };
}
