import type { RequestHandler } from "express";
import { Counter, Histogram, type Registry } from "prom-client";

export interface HttpMetrics {
  /** Webhook outcomes: executed, denied, duplicate, in_progress, ignored, handshake, failures, rejections. */
  readonly webhooks: Counter<"provider" | "decision">;
  readonly enqueueFailures: Counter<"provider">;
  readonly requestDuration: Histogram<"method" | "route" | "status">;
}

// Reuse a metric already in the registry, so two apps (tests, api + worker) can share one.
function registered<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function makeHttpMetrics(registry: Registry): HttpMetrics {
  return {
    webhooks: registered(
      registry,
      "valinor_webhooks_total",
      () =>
        new Counter({
          name: "valinor_webhooks_total",
          help: "Inbound webhook outcomes by provider and decision.",
          labelNames: ["provider", "decision"] as const,
          registers: [registry],
        }),
    ),
    enqueueFailures: registered(
      registry,
      "valinor_webhook_enqueue_failures_total",
      () =>
        new Counter({
          name: "valinor_webhook_enqueue_failures_total",
          help: "Replies that could not be enqueued (message recorded dispatch_failed, answered 500).",
          labelNames: ["provider"] as const,
          registers: [registry],
        }),
    ),
    requestDuration: registered(
      registry,
      "valinor_http_request_duration_seconds",
      () =>
        new Histogram({
          name: "valinor_http_request_duration_seconds",
          help: "HTTP request latency by method, route pattern and status.",
          labelNames: ["method", "route", "status"] as const,
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers: [registry],
        }),
    ),
  };
}

/** Times every request; labels by route pattern (never the raw URL, which holds link ids). */
export function measureRequests(metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.requestDuration.startTimer();
    res.once("finish", () => {
      const route = req.route?.path;
      stop({
        method: req.method,
        route: typeof route === "string" ? route : "unmatched",
        status: String(res.statusCode),
      });
    });
    next();
  };
}
