// A graphile-worker runner with Valinor's settings (workerPreset), as a child of bench/run.ts.
// BENCH_WORKER_MODE=noop runs a sendOutbound task that does nothing (the engine's ceiling);
// =valinor runs Valinor's real task list. Talks to the parent over IPC.
import { EventEmitter } from "node:events";
import { type Runner, run, type Task, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { getConfig } from "../src/config/config.ts";
import { makeLogger } from "../src/logging/logger.ts";
import { workerPreset } from "../src/runtime/workerPreset.ts";
import { makeTaskList, makeWorkerDeps } from "../src/runtime/workerTasks.ts";

const mode = process.env.BENCH_WORKER_MODE === "noop" ? "noop" : "valinor";
const send = (message: Record<string, unknown>, done?: () => void) =>
  process.send?.(message, undefined, {}, done);
const now = () => performance.timeOrigin + performance.now();

// Round trips by statement kind: every query of this process goes through pg.Client#query.
const queries = new Map<string, number>();
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string })?.text;
  const kind = statementKind(text ?? "");
  queries.set(kind, (queries.get(kind) ?? 0) + 1);
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

function statementKind(text: string): string {
  const fn = /(public|graphile_worker)\.([a-z_]+)\(/.exec(text);
  if (fn) return `${fn[1]}.${fn[2]}`;
  return text.trim().split(/\s+/).slice(0, 3).join(" ").toLowerCase().slice(0, 40);
}

const config = getConfig();
const logger = makeLogger(config.logLevel).child({ process: "bench-worker" });
const noop: Task = async () => {};
const deps = makeWorkerDeps(config, logger);
const taskList = mode === "noop" ? { sendOutbound: noop } : makeTaskList(() => deps);
const events: WorkerEvents = new EventEmitter();

let runner: Runner | undefined;
let started = 0;
let firstStartAt: number | undefined;
let lastSuccessAt: number | undefined;

async function main() {
  events.on("job:start", () => {
    started += 1;
    if (firstStartAt === undefined) {
      firstStartAt = now();
      send({ type: "firstStart" });
    }
  });
  events.on("job:success", () => {
    lastSuccessAt = now();
  });
  const preset = workerPreset(config, logger);
  runner = await run({
    preset: { ...preset, worker: { ...preset.worker, events } },
    taskList,
    crontab: "# no cron in the benchmark",
    noHandleSignals: true,
  });
  send({ type: "ready", pid: process.pid });
}

process.on("message", async (message: { type: string }) => {
  if (message.type === "stats") {
    send({
      type: "stats",
      started,
      firstStartAt,
      lastSuccessAt,
      queries: Object.fromEntries(queries),
    });
    queries.clear();
    started = 0;
    firstStartAt = undefined;
  } else if (message.type === "stop") {
    await runner?.stop();
    send({ type: "stopped", maxRssKb: process.resourceUsage().maxRSS }, () => process.exit(0));
  }
});

main().catch((error: unknown) => {
  send({ type: "error", message: error instanceof Error ? error.stack : String(error) });
  process.exitCode = 1;
});
