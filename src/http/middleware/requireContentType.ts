import type { Request, RequestHandler } from "express";
import { AppError } from "../appError.ts";

/** 415 unless the request's media type is one `allowedFor` lists (checked before the body is read). */
export function requireContentType(
  allowedFor: (req: Request) => readonly string[],
): RequestHandler {
  return (req, _res, next) => {
    const allowed = allowedFor(req);
    if (allowed.length > 0 && !req.is([...allowed])) {
      next(new AppError(415, "unsupported_media_type"));
      return;
    }
    next();
  };
}
