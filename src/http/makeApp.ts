import express, { type Express } from "express";
import type { Pool } from "pg";
import type { Registry } from "prom-client";
import type { Executor } from "../agent/executor.ts";
import { makeExecutorSelector } from "../agent/selectExecutor.ts";
import type { Config } from "../config/config.ts";
import type { SecretBox } from "../crypto/secretBox.ts";
import type { Logger } from "../logging/logger.ts";
import type { InboundProviderRegistry } from "../providers/inboundProvider.ts";
import { countCommittedMigrations } from "./checkReadiness.ts";
import { makeHttpMetrics, measureRequests } from "./httpMetrics.ts";
import { errorHandler, notFoundHandler } from "./middleware/errorHandler.ts";
import { defaultBodyLimitBytes } from "./middleware/rawBody.ts";
import { requestId } from "./middleware/requestId.ts";
import { requestLogger } from "./middleware/requestLogger.ts";
import { registerOutboxDepthMetrics } from "./outboxDepthMetrics.ts";
import { healthRoutes } from "./routes/healthRoutes.ts";
import { webhookRoutes } from "./routes/webhookRoutes.ts";

export interface AppDeps {
  /** Only the app role's pool: the HTTP process never holds the owner role. */
  readonly pools: { readonly app: Pool };
  readonly logger: Logger;
  readonly config: Pick<Config, "outbox">;
  readonly secretBox: SecretBox;
  /** The global agent; a link's `settings.agentUrl` (or `agent: "echo"`) overrides it. */
  readonly executor: Executor;
  readonly inboundProviders: InboundProviderRegistry;
  readonly metrics: Registry;
  /** HTTP_BODY_LIMIT_BYTES (default 1 MiB). */
  readonly http?: { readonly bodyLimitBytes?: number };
  /** AGENT_TIMEOUT_MS (default 10 s); the message lease is the timeout plus AGENT_LEASE_GRACE_MS (30 s). */
  readonly agent?: { readonly timeoutMs?: number; readonly leaseGraceMs?: number };
  readonly now?: () => Date;
  /** Committed migration count for /readyz; defaults to counting migrations/committed. */
  readonly committedMigrations?: number;
}

export const defaultAgentTimeoutMs = 10_000;
export const defaultLeaseGraceMs = 30_000;

/** The Express app, without listening (server.ts owns the socket). */
export function makeApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  const metrics = makeHttpMetrics(deps.metrics);
  registerOutboxDepthMetrics(deps.metrics, deps.pools.app, deps.logger);
  const agentTimeoutMs = deps.agent?.timeoutMs ?? defaultAgentTimeoutMs;

  app.use(requestId());
  app.use(requestLogger(deps.logger));
  app.use(measureRequests(metrics));
  app.use(
    healthRoutes({
      pool: deps.pools.app,
      registry: deps.metrics,
      committedMigrations: deps.committedMigrations ?? countCommittedMigrations(),
    }),
  );
  app.use(
    webhookRoutes(
      {
        pool: deps.pools.app,
        logger: deps.logger,
        secretBox: deps.secretBox,
        providers: deps.inboundProviders,
        selectExecutor: makeExecutorSelector({
          defaultExecutor: deps.executor,
          timeoutMs: agentTimeoutMs,
        }),
        agentTimeoutMs,
        leaseMs: agentTimeoutMs + (deps.agent?.leaseGraceMs ?? defaultLeaseGraceMs),
        maxAttempts: deps.config.outbox.maxAttempts,
        now: deps.now ?? (() => new Date()),
      },
      { bodyLimitBytes: deps.http?.bodyLimitBytes ?? defaultBodyLimitBytes, metrics },
    ),
  );
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
