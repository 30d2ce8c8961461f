import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "../../logging/logger.ts";
import { AppError } from "../appError.ts";

/** The one error handler: an AppError answers its status and code; anything else is a bare 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof AppError) {
      res.status(error.status).json({ error: error.code });
      return;
    }
    (req.log ?? logger).error({ err: error }, "request failed");
    res.status(500).json({ error: "internal_error" });
  };
}

export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(new AppError(404, "not_found"));
}
