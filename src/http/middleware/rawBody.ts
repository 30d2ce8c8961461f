import express, { type RequestHandler } from "express";
import { AppError } from "../appError.ts";

export const defaultBodyLimitBytes = 1024 * 1024;

/**
 * Reads the body as the exact bytes sent (signatures are over them) into `req.body`, up to
 * `limitBytes` (413 beyond). Compressed bodies are refused (415): what was signed is what
 * arrives. An absent body becomes an empty Buffer.
 */
export function rawBody(limitBytes: number = defaultBodyLimitBytes): RequestHandler {
  const parse = express.raw({ type: () => true, limit: limitBytes, inflate: false });
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (error) {
        next(toAppError(error));
        return;
      }
      if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
      next();
    });
  };
}

function toAppError(error: unknown): unknown {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status !== "number" || status < 400 || status > 499) return error;
  if (status === 413) return new AppError(413, "payload_too_large");
  if (status === 415) return new AppError(415, "unsupported_content_encoding");
  return new AppError(400, typeof type === "string" ? type.replaceAll(".", "_") : "bad_request");
}
