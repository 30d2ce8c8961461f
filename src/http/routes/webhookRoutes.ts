import { type Request, type RequestHandler, type Response, Router } from "express";
import {
  type HandleWebhookDeps,
  handleInboundWebhook,
} from "../../channels/handleInboundWebhook.ts";
import type { InboundRequest } from "../../providers/inboundProvider.ts";
import { AppError } from "../appError.ts";
import type { HttpMetrics } from "../httpMetrics.ts";
import { rawBody } from "../middleware/rawBody.ts";
import { requireContentType } from "../middleware/requireContentType.ts";

/** `POST /webhooks/:provider/:linkId` and the GET handshake some providers need. */
export function webhookRoutes(
  deps: HandleWebhookDeps,
  options: { bodyLimitBytes: number; metrics: HttpMetrics },
): Router {
  const router = Router();

  const handle = async (req: Request, res: Response) => {
    const provider = String(req.params.provider);
    const request: InboundRequest = {
      method: req.method === "GET" ? "GET" : "POST",
      headers: req.headers,
      query: flatQuery(req.query),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    };
    const answer = await handleInboundWebhook(
      { ...deps, logger: req.log ?? deps.logger },
      { provider, linkId: String(req.params.linkId), request },
    );
    const label = deps.providers(provider) ? provider : "unknown";
    for (const decision of answer.outcomes) {
      options.metrics.webhooks.inc({ provider: label, decision });
      if (decision === "dispatch_failed") options.metrics.enqueueFailures.inc({ provider: label });
    }
    res.status(answer.status);
    if (answer.headers) res.set(answer.headers);
    if (typeof answer.body === "string") {
      res.type(answer.contentType ?? "text/plain").send(answer.body);
    } else {
      res.json(answer.body);
    }
  };

  const parsers = new Map<number, RequestHandler>();
  const bodyWithProviderLimit: RequestHandler = (req, res, next) => {
    const provider = deps.providers(String(req.params.provider));
    const limit = Math.max(options.bodyLimitBytes, provider?.maxBodyBytes ?? 0);
    let parse = parsers.get(limit);
    if (!parse) {
      parse = rawBody(limit);
      parsers.set(limit, parse);
    }
    parse(req, res, next);
  };

  router.post(
    "/webhooks/:provider/:linkId",
    requireContentType((req) => {
      const provider = deps.providers(String(req.params.provider));
      if (!provider) throw new AppError(404, "not_found");
      return provider.contentTypes;
    }),
    bodyWithProviderLimit,
    handle,
  );
  router.get("/webhooks/:provider/:linkId", handle);
  return router;
}

function flatQuery(query: Request["query"]): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === "string") flat[key] = value;
  }
  return flat;
}
