import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { makeLogger } from "../../src/logging/logger.ts";
import { parseFaultArgs, type ScenarioName } from "./faultArgs.ts";
import { openFaultDatabase } from "./faultDatabase.ts";
import { formatReport } from "./formatReport.ts";
import type { ScenarioContext, ScenarioResult } from "./scenarioSupport.ts";
import { databaseGoneScenario } from "./scenarios/databaseGoneScenario.ts";
import { hostileInputScenario } from "./scenarios/hostileInputScenario.ts";
import { revokedCredentialsScenario } from "./scenarios/revokedCredentialsScenario.ts";
import { slowAgentScenario } from "./scenarios/slowAgentScenario.ts";
import { stormScenario } from "./scenarios/stormScenario.ts";

const scenarios: Record<ScenarioName, (context: ScenarioContext) => Promise<ScenarioResult>> = {
  hostile: hostileInputScenario,
  storm: stormScenario,
  slowAgent: slowAgentScenario,
  databaseGone: databaseGoneScenario,
  revokedCredentials: revokedCredentialsScenario,
};

/** `npm run test:faults`: every scenario against real processes, then a report; exit 1 on a violation. */
async function main(): Promise<number> {
  const args = parseFaultArgs(process.argv.slice(2), process.env);
  const log = (line: string) =>
    process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  log(`size ${args.size}, seed ${args.seed}, scenarios ${args.scenarios.join(", ")}`);
  if (args.extraSql) log(`applying ${args.extraSql} after the migrations`);
  const started = Date.now();
  const database = await openFaultDatabase(args.databaseUrl, makeLogger("warn"), args.extraSql);
  const results: ScenarioResult[] = [];
  // Ctrl-C: the app and workers share our process group and stop too; stop PostgreSQL as well.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping PostgreSQL`);
      void database.close().finally(() => process.exit(130));
    });
  }
  try {
    for (const name of args.scenarios) {
      log(`scenario ${name}: starting`);
      const context: ScenarioContext = { database, size: args.size, seed: args.seed, log };
      const result = await scenarios[name](context).catch(
        (error: unknown): ScenarioResult => ({
          name,
          passed: false,
          durationMs: 0,
          params: {},
          figures: {},
          violations: [
            `the scenario crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          ],
        }),
      );
      results.push(result);
      log(`scenario ${name}: ${result.passed ? "passed" : "FAILED"} in ${result.durationMs} ms`);
    }
  } finally {
    await database.close();
  }
  const report = {
    size: args.size,
    seed: args.seed,
    command: `node test/faults/run.ts --size ${args.size} --seed ${args.seed} --scenario ${args.scenarios.join(",")}`,
    wallMs: Date.now() - started,
    passed: results.every((r) => r.passed),
    results,
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(formatReport(report));
  log(`report written to ${args.out}`);
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
