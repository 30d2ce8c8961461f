import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pinoHttp } from "pino-http";
import type { Logger } from "../../logging/logger.ts";
import { currentRequestId } from "./requestId.ts";

/**
 * One log line per request: id, method, path (no query string: a handshake may carry a token
 * there), status, duration. Never headers or bodies.
 */
export function requestLogger(logger: Logger) {
  return pinoHttp<IncomingMessage, ServerResponse>({
    logger,
    genReqId: () => currentRequestId() ?? randomUUID(),
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({
        id: req.id,
        method: req.method,
        path: (req.url ?? "").split("?")[0],
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    // Rejected webhooks (401, 404) are routine traffic, not warnings.
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
  });
}
