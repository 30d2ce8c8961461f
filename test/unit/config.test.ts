import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.ts";

describe("configuration", () => {
  it("has a default for every outbox and worker knob", () => {
    const config = loadConfig({});
    expect(config.outbox).toEqual({
      maxAttempts: 10,
      baseDelayMs: 1_000,
      multiplier: 2,
      maxDelayMs: 900_000,
      jitter: 0.2,
      retryAfterCapMs: 3_600_000,
      staleSendingMs: 300_000,
      sendTimeoutMs: 15_000,
      claimBatchSize: 20,
      deliverByMs: 86_400_000,
      reconcileGraceMs: 30_000,
      retention: {
        sentRetainMs: 604_800_000,
        deadRetainMs: 2_592_000_000,
        batchSize: 1_000,
        maxBatchesPerTenant: 100,
      },
    });
    expect(config.worker).toEqual({
      concurrency: 10,
      pollIntervalMs: 2_000,
      poolSize: 12,
      localQueueSize: 11,
      completeJobBatchDelayMs: -1,
      failJobBatchDelayMs: -1,
      shutdownAbortMs: 5_000,
    });
    expect(config.port).toBe(3000);
    expect(config.logLevel).toBe("info");
    expect(config.database.ownerUrl).toBeUndefined();
    expect(config.database.lookupRole).toBe("valinor_lookup");
  });

  it("takes every knob from the environment", () => {
    const config = loadConfig({
      OUTBOX_MAX_ATTEMPTS: "3",
      OUTBOX_BASE_DELAY_MS: "250",
      OUTBOX_BACKOFF_MULTIPLIER: "3",
      OUTBOX_MAX_DELAY_MS: "9000",
      OUTBOX_JITTER: "0",
      OUTBOX_RETRY_AFTER_CAP_MS: "1000",
      OUTBOX_STALE_SENDING_MS: "20000",
      OUTBOX_SEND_TIMEOUT_MS: "5000",
      OUTBOX_DELIVER_BY_MS: "60000",
      OUTBOX_RECONCILE_GRACE_MS: "0",
      OUTBOX_RETAIN_SENT_MS: "3600000",
      OUTBOX_RETAIN_DEAD_MS: "7200000",
      OUTBOX_RETAIN_BATCH_SIZE: "50",
      OUTBOX_RETAIN_MAX_BATCHES: "3",
      OUTBOX_CLAIM_BATCH_SIZE: "5",
      WORKER_CONCURRENCY: "4",
      WORKER_POLL_INTERVAL_MS: "500",
      WORKER_POOL_SIZE: "7",
      WORKER_LOCAL_QUEUE_SIZE: "20",
      WORKER_COMPLETE_JOB_BATCH_DELAY_MS: "0",
      WORKER_FAIL_JOB_BATCH_DELAY_MS: "5",
      WORKER_SHUTDOWN_ABORT_MS: "100",
      DATABASE_URL: "postgres://o:p@db/valinor",
      APP_DATABASE_URL: "postgres://a:p@db/valinor",
      PORT: "8080",
      LOG_LEVEL: "debug",
    });
    expect(config.outbox).toEqual({
      maxAttempts: 3,
      baseDelayMs: 250,
      multiplier: 3,
      maxDelayMs: 9000,
      jitter: 0,
      retryAfterCapMs: 1000,
      staleSendingMs: 20000,
      sendTimeoutMs: 5000,
      claimBatchSize: 5,
      deliverByMs: 60000,
      reconcileGraceMs: 0,
      retention: {
        sentRetainMs: 3_600_000,
        deadRetainMs: 7_200_000,
        batchSize: 50,
        maxBatchesPerTenant: 3,
      },
    });
    expect(config.worker).toMatchObject({
      concurrency: 4,
      pollIntervalMs: 500,
      poolSize: 7,
      localQueueSize: 20,
    });
    expect(config.database.ownerUrl).toBe("postgres://o:p@db/valinor");
    expect(config.port).toBe(8080);
  });

  it("is frozen", () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.outbox)).toBe(true);
  });

  it.each([
    ["OUTBOX_MAX_ATTEMPTS", "zero", "OUTBOX_MAX_ATTEMPTS"],
    ["OUTBOX_MAX_ATTEMPTS", "0", "OUTBOX_MAX_ATTEMPTS"],
    ["OUTBOX_JITTER", "1.5", "OUTBOX_JITTER"],
    ["PORT", "70000", "PORT"],
    ["LOG_LEVEL", "loud", "LOG_LEVEL"],
    ["DATABASE_URL", "mysql://x", "DATABASE_URL"],
    ["SECRETS_KEY", "c2hvcnQ=", "SECRETS_KEY"],
    ["OUTBOX_STALE_SENDING_MS", "2000", "OUTBOX_STALE_SENDING_MS"],
    ["OUTBOX_RETAIN_DEAD_MS", "60000", "OUTBOX_RETAIN_DEAD_MS"],
    ["WORKER_LOCAL_QUEUE_SIZE", "-2", "WORKER_LOCAL_QUEUE_SIZE"],
  ])("stops with a message naming %s when it is %j", (variable, value, named) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(named);
  });
});
