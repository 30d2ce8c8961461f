import type { Size } from "./scenarioSupport.ts";

export const scenarioNames = [
  "hostile",
  "storm",
  "slowAgent",
  "databaseGone",
  "revokedCredentials",
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface FaultArgs {
  readonly size: Size;
  readonly seed: number;
  readonly scenarios: readonly ScenarioName[];
  readonly out: string;
  readonly databaseUrl: string | undefined;
  /** SQL applied as the superuser after the migrations: to try a fix before committing it. */
  readonly extraSql: string | undefined;
}

const usage = `usage: node test/faults/run.ts [--size ci|full] [--seed N] [--scenario a,b] [--out file.json]
  env: FAULTS_SIZE, FAULTS_SEED, FAULTS_SCENARIOS, FAULTS_DATABASE_URL (a superuser URL; default: embedded),
       FAULTS_EXTRA_SQL (a .sql file applied after the migrations, to try a fix)
  scenarios: ${scenarioNames.join(", ")}`;

/** Flags win over env; the suite reads its own settings here, never the app's configuration. */
export function parseFaultArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): FaultArgs {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") throw new Error(usage);
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}\n${usage}`);
    flags.set(match[1]!, match[2] ?? argv[++i] ?? "");
  }
  const size = flags.get("size") ?? env.FAULTS_SIZE ?? "ci";
  if (size !== "ci" && size !== "full") throw new Error(`--size must be ci or full\n${usage}`);
  const seed = Number(flags.get("seed") ?? env.FAULTS_SEED ?? Date.now() % 1_000_000);
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`--seed must be a non-negative integer\n${usage}`);
  const list = flags.get("scenario") ?? env.FAULTS_SCENARIOS;
  const scenarios = list ? list.split(",").map((name) => name.trim()) : [...scenarioNames];
  for (const name of scenarios) {
    if (!(scenarioNames as readonly string[]).includes(name))
      throw new Error(`unknown scenario ${name}\n${usage}`);
  }
  return {
    size,
    seed,
    scenarios: scenarios as ScenarioName[],
    out: flags.get("out") ?? `.data/faults/last-run-${size}.json`,
    databaseUrl: env.FAULTS_DATABASE_URL || undefined,
    extraSql: env.FAULTS_EXTRA_SQL || undefined,
  };
}
