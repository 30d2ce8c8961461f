import type { ScenarioResult } from "./scenarioSupport.ts";

const headline = [
  "messages",
  "messagesByStatus",
  "webhookAnswers",
  "answers",
  "outboxRows",
  "outboxByStatus",
  "deadByReason",
  "lost",
  "crossTenantDeliveries",
  "duplicateRows",
  "retryAfterAnsweredAfterTimeout",
  "maxAttemptCount",
  "maxSendingMs",
  "attemptsByOutcome",
  "receiptsByFault",
  "reconciler",
  "workerKills",
  "drainMs",
];

/** A short human summary; the JSON file has every figure. */
export function formatReport(report: {
  size: string;
  seed: number;
  command: string;
  wallMs: number;
  passed: boolean;
  results: readonly ScenarioResult[];
}): string {
  const lines = [
    "",
    `fault suite (${report.size}, seed ${report.seed}): ${report.passed ? "PASSED" : "FAILED"} in ${(report.wallMs / 1000).toFixed(1)} s`,
  ];
  for (const result of report.results) {
    lines.push(
      `\n## ${result.name}: ${result.passed ? "passed" : "FAILED"} (${(result.durationMs / 1000).toFixed(1)} s)`,
    );
    for (const key of headline) {
      if (result.figures[key] !== undefined)
        lines.push(`  ${key}: ${JSON.stringify(result.figures[key])}`);
    }
    for (const [key, value] of Object.entries(result.figures)) {
      if (!headline.includes(key) && (typeof value !== "object" || value === null)) {
        lines.push(`  ${key}: ${JSON.stringify(value)}`);
      }
    }
    for (const violation of result.violations) lines.push(`  VIOLATION ${violation}`);
  }
  lines.push(`\nreproduce: ${report.command}\n`);
  return `${lines.join("\n")}\n`;
}
