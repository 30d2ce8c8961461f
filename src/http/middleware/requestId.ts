import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";

const storage = new AsyncLocalStorage<{ requestId: string }>();
// A caller's id is kept only if it is short and plain, so it is safe in logs and headers.
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of the request being handled, anywhere below the middleware. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Takes `x-request-id` from the caller (or makes one), echoes it, and scopes it to the request. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    const id = incoming && acceptable.test(incoming) ? incoming : randomUUID();
    res.setHeader("x-request-id", id);
    storage.run({ requestId: id }, next);
  };
}
