import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { captureOutput } from "../appProcess.ts";
import type { ScenarioContext, ScenarioResult } from "../scenarioSupport.ts";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const vitest = fileURLToPath(new URL("../../../node_modules/vitest/vitest.mjs", import.meta.url));
const runsPerProperty = { ci: 150, full: 2_000 };

/**
 * The fast-check properties of test/faults/hostileInput.test.ts (also part of `npm test`), run
 * here at the suite's size and seed: per provider, forged and tampered requests are refused
 * 4xx, never recorded, never reach the agent; a genuine request per provider still passes.
 */
export async function hostileInputScenario(context: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const runs = runsPerProperty[context.size];
  const child = spawn(process.execPath, [vitest, "run", "test/faults/hostileInput.test.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      FAULTS_HOSTILE_RUNS: String(runs),
      FAULTS_SEED: String(context.seed),
      FAULTS_HOSTILE_REPORT: "1",
      CI: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = captureOutput(child);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const answers = /hostile answers (\{.*\})/.exec(output())?.[1];
  const violations = code === 0 ? [] : [`vitest exited ${code}: ${output().slice(-4_000)}`];
  return {
    name: "hostile",
    passed: code === 0,
    durationMs: Date.now() - started,
    params: { runsPerProperty: runs, providers: 4, bodyLimitBytes: 4_096, seed: context.seed },
    figures: {
      requests: answers
        ? Object.values(JSON.parse(answers) as Record<string, number>).reduce((a, b) => a + b, 0)
        : undefined,
      answers: answers ? JSON.parse(answers) : undefined,
      recordedUnsigned: code === 0 ? 0 : undefined,
      agentCallsUnsigned: code === 0 ? 0 : undefined,
    },
    violations,
  };
}
