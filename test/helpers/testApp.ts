import { Registry } from "prom-client";
import { type AppDeps, makeApp } from "../../src/http/makeApp.ts";
import { type RunningServer, startServer } from "../../src/http/server.ts";
import { makeLogger } from "../../src/logging/logger.ts";
import { makeInboundProviderRegistry } from "../../src/providers/inboundProvider.ts";
import { makeCountingExecutor } from "./fakeAgent.ts";
import { secretBox, testConfig } from "./outboxFixtures.ts";
import type { TestDatabase } from "./testDatabase.ts";

export interface TestApp {
  readonly server: RunningServer;
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /**
   * The global agent: records every call and echoes the text unless told otherwise
   * (`agent.answer`). It sees no calls when `overrides.executor` replaces it.
   */
  readonly agent: ReturnType<typeof makeCountingExecutor>;
  close(): Promise<void>;
}

/**
 * The real Express app (makeApp) on 127.0.0.1 port 0, connected as the app role, with the
 * tests' secret box and config; `overrides` replace any dependency (logger, agent timeouts…).
 */
export async function startTestApp(
  db: TestDatabase,
  overrides: Partial<AppDeps> = {},
): Promise<TestApp> {
  const agent = makeCountingExecutor();
  const deps: AppDeps = {
    pools: db.pools,
    logger: makeLogger("silent"),
    config: testConfig(db),
    secretBox,
    executor: agent.executor,
    inboundProviders: makeInboundProviderRegistry(),
    metrics: new Registry(),
    ...overrides,
  };
  const server = await startServer(makeApp(deps), {
    host: "127.0.0.1",
    port: 0,
    logger: deps.logger,
  });
  return { server, url: server.url, agent, close: () => server.close() };
}
