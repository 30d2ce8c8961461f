import { Logger as WorkerLogger } from "graphile-worker";
import { type Logger, pino } from "pino";

export type { Logger };

/**
 * One pino logger for the process. Secrets never reach it: link secrets and credentials
 * live only in the encrypted columns and the adapter call, and these paths are redacted
 * in case an object carrying them is ever logged by mistake.
 */
export function makeLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          "*.secret",
          "*.inboundSecret",
          "*.inbound_secret",
          "*.credentials",
          "*.outbound_credentials",
          "*.token",
          "*.password",
          "req.headers.authorization",
          "req.headers['webhook-signature']",
          "req.headers['x-slack-signature']",
          "req.headers['x-hub-signature-256']",
          "req.headers['x-telegram-bot-api-secret-token']",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}

const levels = { error: "error", warning: "warn", info: "info", debug: "debug" } as const;

/** A @graphile/logger log function (graphile-worker, graphile-migrate) writing through pino. */
export function graphileLogFunction(logger: Logger) {
  return (level: string, message: string, meta?: Record<string, unknown>) => {
    logger[levels[level as keyof typeof levels] ?? "info"](meta ?? {}, message);
  };
}

/** graphile-worker's logger interface, writing through pino with the worker's scope bound. */
export function toWorkerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => graphileLogFunction(logger.child({ worker: scope })));
}
