import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Logger } from "../logging/logger.ts";

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /**
   * Stops accepting, lets in-flight requests finish (up to drainTimeoutMs, then cuts them),
   * and resolves once every connection is gone. Closing pools is the caller's job.
   */
  close(): Promise<void>;
}

export async function startServer(
  app: Express,
  options: { host: string; port: number; logger: Logger; drainTimeoutMs?: number },
): Promise<RunningServer> {
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    // While draining, a keep-alive connection must not stay open for another request.
    if (draining) res.setHeader("connection", "close");
    app(req, res);
  });
  // Behind a load balancer keep-alive must outlive its idle timeout (typically 60 s).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  options.logger.info({ url }, "http server listening");

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      draining = true;
      options.logger.info({ inFlight: inFlight.size }, "http server draining");
      for (const res of inFlight) {
        // Responses still being prepared end their connection when they finish.
        if (!res.headersSent) res.setHeader("connection", "close");
      }
      const timer = setTimeout(() => {
        options.logger.warn({ inFlight: inFlight.size }, "drain timeout; closing connections");
        server.closeAllConnections();
      }, options.drainTimeoutMs ?? 10_000);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        options.logger.info("http server closed");
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  return { server, port, url, close };
}
