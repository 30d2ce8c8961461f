import { type Runner, run } from "graphile-worker";
import { Registry } from "prom-client";
import { makeEchoExecutor } from "../agent/echoExecutor.ts";
import type { Executor } from "../agent/executor.ts";
import { makeHttpExecutor } from "../agent/httpExecutor.ts";
import type { Config } from "../config/config.ts";
import { makeSecretBox } from "../crypto/secretBox.ts";
import { makePools } from "../db/pools.ts";
import { makeApp } from "../http/makeApp.ts";
import { type RunningServer, startServer } from "../http/server.ts";
import type { Logger } from "../logging/logger.ts";
import type { AdapterRegistry } from "../providers/adapterRegistry.ts";
import { makeInboundProviderRegistry } from "../providers/inboundProvider.ts";
import { workerPreset } from "./workerPreset.ts";
import { makeTaskList, makeWorkerDeps } from "./workerTasks.ts";

export interface RunningValinor {
  readonly server: RunningServer;
  readonly worker: Runner | undefined;
  /** Stop accepting, drain requests, stop the worker (in-flight sends get their grace), close pools. */
  stop(): Promise<void>;
}

export interface ValinorOptions {
  /** Run a graphile-worker runner in this process (npm start); false for the API alone. */
  readonly worker: boolean;
  readonly executor?: Executor;
  readonly adapters?: AdapterRegistry;
  /** Override the crontab (tests pass a comment to disable cron). */
  readonly crontab?: string;
  /** Called if the in-process worker stops on a fatal error (the process should then exit). */
  readonly onWorkerFailure?: (error: unknown) => void;
}

/** The API (and optionally a worker) over a migrated database whose URLs are in `config`. */
export async function startValinor(
  config: Config,
  logger: Logger,
  options: ValinorOptions,
): Promise<RunningValinor> {
  const { ownerUrl, appUrl } = config.database;
  if (!appUrl) throw new Error("APP_DATABASE_URL must be set");
  if (!config.secretsKey) throw new Error("SECRETS_KEY must be set (it decrypts link secrets)");
  const pools = makePools(
    { ownerUrl: ownerUrl ?? appUrl, appUrl },
    config.database.poolSize,
    logger,
  );
  const app = makeApp({
    pools,
    logger,
    config,
    secretBox: makeSecretBox(config.secretsKey),
    executor: options.executor ?? defaultExecutor(config),
    inboundProviders: makeInboundProviderRegistry(),
    metrics: new Registry(),
    http: { bodyLimitBytes: config.http.bodyLimitBytes },
    agent: { timeoutMs: config.agent.timeoutMs, leaseGraceMs: config.agent.leaseGraceMs },
  });
  let worker: Runner | undefined;
  if (options.worker) {
    if (!ownerUrl) throw new Error("DATABASE_URL must be set to run the worker");
    const deps = makeWorkerDeps(config, logger.child({ process: "worker" }), {
      ...(options.adapters ? { adapters: options.adapters } : {}),
    });
    worker = await run({
      preset: workerPreset(config, logger.child({ process: "worker" })),
      taskList: makeTaskList(() => deps),
      ...(options.crontab !== undefined ? { crontab: options.crontab } : {}),
      noHandleSignals: true,
    });
    worker.promise.catch((error: unknown) => {
      logger.fatal({ err: error }, "the in-process worker stopped on an error");
      options.onWorkerFailure?.(error);
    });
  }
  let server: RunningServer;
  try {
    server = await startServer(app, {
      host: config.host,
      port: config.port,
      logger,
      drainTimeoutMs: config.http.drainTimeoutMs,
    });
  } catch (error) {
    await worker?.stop();
    await pools.end();
    throw error;
  }
  return {
    server,
    worker,
    async stop() {
      await server.close();
      await worker?.stop();
      await pools.end();
    },
  };
}

function defaultExecutor(config: Config): Executor {
  return config.agent.url
    ? makeHttpExecutor({ url: config.agent.url, timeoutMs: config.agent.timeoutMs })
    : makeEchoExecutor();
}
