import { expect } from "vitest";
import { main } from "../../src/cli/main.ts";
import { type Env, loadConfig } from "../../src/config/config.ts";
import type { TestDatabase } from "./testDatabase.ts";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The CLI's environment for a test database: owner and app role URLs and silent logs;
 * `env` adds variables or, set to undefined, removes them.
 */
export function cliEnv(db: TestDatabase, env: Env = {}): Env {
  return { DATABASE_URL: db.ownerUrl, APP_DATABASE_URL: db.appUrl, LOG_LEVEL: "silent", ...env };
}

/** Runs the valinor CLI's `main` in this process with the config read from `env`. */
export async function runCli(argv: string[], env: Env): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    config: loadConfig(env),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/** Runs with `--json`; expects exit code 0 and nothing on stderr; returns the parsed stdout. */
export async function runCliJson(argv: string[], env: Env) {
  const result = await runCli([...argv, "--json"], env);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/**
 * `link create --tenant <tenantId> --provider <provider>` followed by each flag as
 * `--<name> <value>`, e.g. `{ url: "http://…", "public-url": "https://…" }`.
 */
export function linkCreateArgs(
  tenantId: string,
  provider: string,
  flags: Readonly<Record<string, string>> = {},
): string[] {
  const rest = Object.entries(flags).flatMap(([name, value]) => [`--${name}`, value]);
  return ["link", "create", "--tenant", tenantId, "--provider", provider, ...rest];
}
