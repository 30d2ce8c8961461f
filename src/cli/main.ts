import { AdminError } from "../admin/adminError.ts";
import { type Config, ConfigError, getConfig } from "../config/config.ts";
import { isConnectionError } from "../db/pgErrors.ts";
import { makeLogger } from "../logging/logger.ts";
import { configOrEmbedded } from "../runtime/databaseEnvironment.ts";
import { type CliContext, makeCliContext } from "./cliContext.ts";
import { dbDump, dbMigrate, dbSetup } from "./dbCommands.ts";
import { demoSend } from "./demoCommands.ts";
import { linkCreate, linkList, linkPause, linkResume, linkShow } from "./linkCommands.ts";
import { outboxList, outboxReplay, outboxShow } from "./outboxCommands.ts";
import type { CommandResult, Output } from "./output.ts";
import { tenantCreate, tenantList } from "./tenantCommands.ts";
import { UsageError } from "./usageError.ts";

const usage = `usage: valinor <command> [options]

  tenant create --name N
  tenant list
  link create --tenant T --provider webhook|slack|telegram|whatsapp [provider fields]
        webhook:  --url <receiver URL> [--secret whsec_…]   (secret generated if omitted)
        slack:    --team-id --bot-token --signing-secret
        telegram: --bot-token [--bot-id]                    (secret token generated)
        whatsapp: --phone-number-id --access-token --app-secret [--verify-token]
        any:      [--name N] [--api-base-url URL] [--agent-url URL] [--public-url URL]
  link list [--tenant T]
  link show <id>
  link pause <id> --reason R [--until ISO-TIME]
  link resume <id>                  set active and enqueue its pending outbox rows
  outbox list [--tenant T] [--status pending|sending|sent|dead] [--link L] [--limit N]
  outbox show <id>                  the row, its reply text and its attempts
  outbox replay <id> [--dry-run]
  outbox replay --tenant T [--link L] [--status dead] [--dry-run]
                                    dead rows back to pending, fresh attempts, a job each
  demo send [text]      send a signed test message to the demo link (after npm start)
  db setup              create the roles and the database (ROOT_DATABASE_URL, idempotent)
  db migrate            install graphile-worker's schema and apply migrations (DATABASE_URL)
  db dump [file]        write the schema to data/schema.sql (needs pg_dump >= the server)

Environment: DATABASE_URL (owner role), SECRETS_KEY (link create); without them, the
embedded default's (npm start) are used when its data folder exists. Secrets are printed
once by link create and never again.
Options: --json (machine-readable output), --help
Exit codes: 0 ok, 2 bad arguments or unknown id, 1 unexpected failure`;

type Command = (args: string[], ctx: CliContext) => Promise<CommandResult>;

const message = (text: string): CommandResult => ({ text, json: { message: text } });

const commands: Record<string, Record<string, Command>> = {
  tenant: { create: tenantCreate, list: tenantList },
  link: {
    create: linkCreate,
    list: linkList,
    show: linkShow,
    pause: linkPause,
    resume: linkResume,
  },
  outbox: { list: outboxList, show: outboxShow, replay: outboxReplay },
  demo: { send: demoSend },
  db: {
    setup: async (_args, ctx) => message(await dbSetup(ctx.config)),
    migrate: async (_args, ctx) => message(await dbMigrate(ctx.config, cliLogger(ctx.config))),
    dump: async (args, ctx) => message(await dbDump(ctx.config, args[0] ?? "data/schema.sql")),
  },
};

function cliLogger(config: Config) {
  return makeLogger(config.logLevel === "info" ? "warn" : config.logLevel);
}

export interface MainDeps {
  /** Defaults to getConfig() (the environment). */
  readonly config?: Config;
  readonly stdout?: Output;
  readonly stderr?: Output;
}

/** Runs one command; resolves to the exit code (0 ok, 2 usage or unknown id, 1 failure). */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const json = argv.includes("--json");
  const args = argv.filter((arg) => arg !== "--json");
  if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
    (args.length === 0 ? stderr : stdout).write(`${usage}\n`);
    return args.length === 0 ? 2 : 0;
  }
  let ctx: CliContext | undefined;
  try {
    const [group = "", name = "", ...rest] = args;
    const command = commands[group]?.[name];
    if (!command)
      throw new UsageError(
        `unknown command: ${[group, name].join(" ").trim()} (valinor --help lists the commands)`,
      );
    ctx = makeCliContext(deps.config ?? configOrEmbedded(getConfig()));
    const result = await command(rest, ctx);
    stdout.write(`${json ? JSON.stringify({ ok: true, ...result.json }, null, 2) : result.text}\n`);
    return 0;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof AdminError
    ) {
      stderr.write(
        `${json ? JSON.stringify({ ok: false, error: error.message }) : error.message}\n`,
      );
      return 2;
    }
    const text = isConnectionError(error)
      ? `cannot reach PostgreSQL at ${connectionTarget(error)}: is it running (npm start, for the embedded default), and is DATABASE_URL right?`
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
    stderr.write(
      `${json ? JSON.stringify({ ok: false, error: error instanceof Error ? error.message : text }) : text}\n`,
    );
    return 1;
  } finally {
    await ctx?.close();
  }
}

function connectionTarget(error: unknown): string {
  const { address, port } = (error ?? {}) as { address?: unknown; port?: unknown };
  return typeof address === "string" ? `${address}:${String(port)}` : "the configured address";
}
