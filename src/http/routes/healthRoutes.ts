import { Router } from "express";
import type { Pool } from "pg";
import type { Registry } from "prom-client";
import { checkReadiness } from "../checkReadiness.ts";

/** `/healthz` (the process answers), `/readyz` (database and migrations), `/metrics`. */
export function healthRoutes(options: {
  pool: Pool;
  registry: Registry;
  committedMigrations: number | undefined;
}): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const readiness = await checkReadiness(options.pool, options.committedMigrations);
    res.status(readiness.ready ? 200 : 503).json(readiness);
  });
  router.get("/metrics", async (_req, res) => {
    const body = await options.registry.metrics();
    res.type(options.registry.contentType).send(body);
  });
  return router;
}
