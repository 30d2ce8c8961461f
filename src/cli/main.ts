import { ConfigError, getConfig } from "../config/config.ts";
import { makeLogger } from "../logging/logger.ts";
import { dbDump, dbMigrate, dbSetup } from "./dbCommands.ts";
import { UsageError } from "./usageError.ts";

const usage = `usage: valinor <command>

  db setup              create the roles and the database (ROOT_DATABASE_URL, idempotent)
  db migrate            install graphile-worker's schema and apply migrations (DATABASE_URL)
  db dump [file]        write the schema to data/schema.sql (needs pg_dump >= the server)

Options: --json (machine-readable output), --help`;

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const args = argv.filter((arg) => arg !== "--json");
  if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    return args.length === 0 ? 2 : 0;
  }
  try {
    const config = getConfig();
    const logger = makeLogger(config.logLevel === "info" ? "warn" : config.logLevel);
    const [group, command, ...rest] = args;
    let message: string;
    if (group === "db" && command === "setup") message = await dbSetup(config);
    else if (group === "db" && command === "migrate") message = await dbMigrate(config, logger);
    else if (group === "db" && command === "dump")
      message = await dbDump(config, rest[0] ?? "data/schema.sql");
    else throw new UsageError(`unknown command: ${args.join(" ")}\n\n${usage}`);
    console.log(json ? JSON.stringify({ ok: true, message }) : message);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(json ? JSON.stringify({ ok: false, error: error.message }) : error.message);
      return 2;
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}
