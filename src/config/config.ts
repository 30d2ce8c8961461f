import { z } from "zod";

/**
 * The one reader of process.env. Every setting Valinor has is declared here with its
 * default; `loadConfig` parses once, names the variable that is wrong, and freezes.
 */

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);
const ratio = z.coerce.number().min(0).max(1);
const pgUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), "must be a postgres:// URL");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: int(0, 65535).default(3000),

  // Owner role: migrations and the worker. Unset: `npm start` runs embedded PostgreSQL.
  DATABASE_URL: pgUrl.optional(),
  // App role: the Express process (RLS-bound, EXECUTE on the narrow functions only).
  APP_DATABASE_URL: pgUrl.optional(),
  // A superuser, used only by `db:setup` to create roles and the database.
  ROOT_DATABASE_URL: pgUrl.optional(),
  DATABASE_LOOKUP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
    .default("valinor_lookup"),
  DATABASE_POOL_SIZE: int(1, 1000).default(10),

  HTTP_BODY_LIMIT_BYTES: int(1_024, 64 * 1024 * 1024).default(1024 * 1024),
  HTTP_DRAIN_TIMEOUT_MS: int(0).default(10_000),
  // The tenant's agent: a link's settings.agentUrl overrides it; unset means the echo agent.
  AGENT_URL: z.url({ protocol: /^https?$/ }).optional(),
  AGENT_TIMEOUT_MS: int(100).default(10_000),
  AGENT_LEASE_GRACE_MS: int(0).default(30_000),

  EMBEDDED_PG_DIR: z.string().min(1).default(".data/postgres"),
  EMBEDDED_PG_PORT: int(1, 65535).default(54329),

  // 32 bytes, base64: encrypts link secrets at rest. The embedded default keeps one in its data folder.
  SECRETS_KEY: z
    .string()
    .refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 bytes, base64")
    .optional(),

  OUTBOX_MAX_ATTEMPTS: int(1, 1000).default(10),
  OUTBOX_BASE_DELAY_MS: int(1).default(1_000),
  OUTBOX_BACKOFF_MULTIPLIER: z.coerce.number().min(1).max(100).default(2),
  OUTBOX_MAX_DELAY_MS: int(1).default(15 * 60_000),
  OUTBOX_JITTER: ratio.default(0.2),
  OUTBOX_RETRY_AFTER_CAP_MS: int(0).default(60 * 60_000),
  OUTBOX_STALE_SENDING_MS: int(1_000).default(5 * 60_000),
  OUTBOX_SEND_TIMEOUT_MS: int(100).default(15_000),
  OUTBOX_CLAIM_BATCH_SIZE: int(1, 1000).default(20),
  OUTBOX_DELIVER_BY_MS: int(1_000).default(24 * 60 * 60_000),
  OUTBOX_RECONCILE_GRACE_MS: int(0).default(30_000),
  OUTBOX_RETAIN_SENT_MS: int(60_000).default(7 * 24 * 60 * 60_000),
  OUTBOX_RETAIN_DEAD_MS: int(60_000).default(30 * 24 * 60 * 60_000),
  OUTBOX_RETAIN_BATCH_SIZE: int(1, 100_000).default(1_000),
  OUTBOX_RETAIN_MAX_BATCHES: int(1).default(100),

  WORKER_CONCURRENCY: int(1, 1000).default(10),
  WORKER_POLL_INTERVAL_MS: int(10).default(2_000),
  WORKER_POOL_SIZE: int(2, 1000).optional(),
  // Unset: concurrency + 1 (the local queue more than doubled delivery in BENCHMARKS.md); -1 turns it off.
  WORKER_LOCAL_QUEUE_SIZE: int(-1, 10_000).optional(),
  WORKER_COMPLETE_JOB_BATCH_DELAY_MS: int(-1, 60_000).default(-1),
  WORKER_FAIL_JOB_BATCH_DELAY_MS: int(-1, 60_000).default(-1),
  WORKER_SHUTDOWN_ABORT_MS: int(0).default(5_000),
});

export type Env = Record<string, string | undefined>;

export interface OutboxConfig {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly multiplier: number;
  readonly maxDelayMs: number;
  readonly jitter: number;
  readonly retryAfterCapMs: number;
  readonly staleSendingMs: number;
  readonly sendTimeoutMs: number;
  /** Rows of one link a sendOutbound job claims, sends and marks together. */
  readonly claimBatchSize: number;
  readonly deliverByMs: number;
  readonly reconcileGraceMs: number;
  readonly retention: {
    readonly sentRetainMs: number;
    readonly deadRetainMs: number;
    readonly batchSize: number;
    readonly maxBatchesPerTenant: number;
  };
}

export interface WorkerConfig {
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  readonly poolSize: number;
  readonly localQueueSize: number;
  readonly completeJobBatchDelayMs: number;
  readonly failJobBatchDelayMs: number;
  readonly shutdownAbortMs: number;
}

export interface Config {
  readonly env: "development" | "test" | "production";
  readonly logLevel: string;
  readonly host: string;
  readonly port: number;
  readonly database: {
    readonly ownerUrl: string | undefined;
    readonly appUrl: string | undefined;
    readonly rootUrl: string | undefined;
    readonly lookupRole: string;
    readonly poolSize: number;
  };
  readonly http: { readonly bodyLimitBytes: number; readonly drainTimeoutMs: number };
  readonly agent: {
    readonly url: string | undefined;
    readonly timeoutMs: number;
    readonly leaseGraceMs: number;
  };
  readonly embedded: { readonly dir: string; readonly port: number };
  readonly secretsKey: string | undefined;
  readonly outbox: OutboxConfig;
  readonly worker: WorkerConfig;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Parses `env` (process.env by default); throws a ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) =>
        `${issue.path.join(".")}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  if (e.OUTBOX_STALE_SENDING_MS <= e.OUTBOX_SEND_TIMEOUT_MS) {
    throw new ConfigError(
      `Invalid configuration:\n  OUTBOX_STALE_SENDING_MS: must be greater than OUTBOX_SEND_TIMEOUT_MS (${e.OUTBOX_SEND_TIMEOUT_MS}), or live sends would be recovered`,
    );
  }
  if (e.OUTBOX_RETAIN_DEAD_MS < e.OUTBOX_RETAIN_SENT_MS) {
    throw new ConfigError(
      "Invalid configuration:\n  OUTBOX_RETAIN_DEAD_MS: must be at least OUTBOX_RETAIN_SENT_MS (dead rows are kept for replay)",
    );
  }
  if (e.OUTBOX_MAX_DELAY_MS < e.OUTBOX_BASE_DELAY_MS) {
    throw new ConfigError(
      "Invalid configuration:\n  OUTBOX_MAX_DELAY_MS: must be at least OUTBOX_BASE_DELAY_MS",
    );
  }
  return deepFreeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    database: {
      ownerUrl: e.DATABASE_URL,
      appUrl: e.APP_DATABASE_URL,
      rootUrl: e.ROOT_DATABASE_URL,
      lookupRole: e.DATABASE_LOOKUP_ROLE,
      poolSize: e.DATABASE_POOL_SIZE,
    },
    http: { bodyLimitBytes: e.HTTP_BODY_LIMIT_BYTES, drainTimeoutMs: e.HTTP_DRAIN_TIMEOUT_MS },
    agent: {
      url: e.AGENT_URL,
      timeoutMs: e.AGENT_TIMEOUT_MS,
      leaseGraceMs: e.AGENT_LEASE_GRACE_MS,
    },
    embedded: { dir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT },
    secretsKey: e.SECRETS_KEY,
    outbox: {
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      baseDelayMs: e.OUTBOX_BASE_DELAY_MS,
      multiplier: e.OUTBOX_BACKOFF_MULTIPLIER,
      maxDelayMs: e.OUTBOX_MAX_DELAY_MS,
      jitter: e.OUTBOX_JITTER,
      retryAfterCapMs: e.OUTBOX_RETRY_AFTER_CAP_MS,
      staleSendingMs: e.OUTBOX_STALE_SENDING_MS,
      sendTimeoutMs: e.OUTBOX_SEND_TIMEOUT_MS,
      claimBatchSize: e.OUTBOX_CLAIM_BATCH_SIZE,
      deliverByMs: e.OUTBOX_DELIVER_BY_MS,
      reconcileGraceMs: e.OUTBOX_RECONCILE_GRACE_MS,
      retention: {
        sentRetainMs: e.OUTBOX_RETAIN_SENT_MS,
        deadRetainMs: e.OUTBOX_RETAIN_DEAD_MS,
        batchSize: e.OUTBOX_RETAIN_BATCH_SIZE,
        maxBatchesPerTenant: e.OUTBOX_RETAIN_MAX_BATCHES,
      },
    },
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      pollIntervalMs: e.WORKER_POLL_INTERVAL_MS,
      poolSize: e.WORKER_POOL_SIZE ?? Math.max(10, e.WORKER_CONCURRENCY + 2),
      localQueueSize: e.WORKER_LOCAL_QUEUE_SIZE ?? e.WORKER_CONCURRENCY + 1,
      completeJobBatchDelayMs: e.WORKER_COMPLETE_JOB_BATCH_DELAY_MS,
      failJobBatchDelayMs: e.WORKER_FAIL_JOB_BATCH_DELAY_MS,
      shutdownAbortMs: e.WORKER_SHUTDOWN_ABORT_MS,
    },
  });
}

let cached: Config | undefined;

/** The process-wide configuration, parsed on first use. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

/** The environment plus values a process derives at start (the embedded default's URLs). */
export function loadConfigWith(overrides: Env): Config {
  return loadConfig({ ...process.env, ...overrides });
}
