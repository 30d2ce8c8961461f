import fc from "fast-check";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { makeApp } from "../../src/http/makeApp.ts";
import { type RunningServer, startServer } from "../../src/http/server.ts";
import { makeLogger } from "../../src/logging/logger.ts";
import { makeInboundProviderRegistry } from "../../src/providers/inboundProvider.ts";
import type { ProviderName } from "../../src/providers/providerName.ts";
import { makeCountingExecutor } from "../helpers/fakeAgent.ts";
import { secretBox } from "../helpers/outboxFixtures.ts";
import { createProviderLink, defaultExternalAccountId } from "../helpers/providerLinks.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";
import {
  forgedRequest,
  genuineRequest,
  type HostileRequest,
  type HostileTarget,
  tamperedRequest,
} from "./hostileRequests.ts";

// Property-based: per provider, forged and tampered requests never get recorded, never reach
// the agent, and never answer 5xx. FAULTS_HOSTILE_RUNS raises the run count (full size).
const runs = Number(process.env.FAULTS_HOSTILE_RUNS ?? 150);
const seed = process.env.FAULTS_SEED ? Number(process.env.FAULTS_SEED) : undefined;
const bodyLimitBytes = 4_096;
const providers: ProviderName[] = ["webhook", "slack", "telegram", "whatsapp"];

let db: TestDatabase;
let server: RunningServer;
const agent = makeCountingExecutor();
const targets = new Map<ProviderName, HostileTarget>();
const answers: Record<string, number> = {};

const secretFor: Record<ProviderName, string> = {
  webhook: `whsec_${Buffer.alloc(24, 3).toString("base64")}`,
  slack: "slack-signing-secret-for-hostile-input",
  telegram: "telegram-secret-token-for-hostile-input",
  whatsapp: "whatsapp-app-secret-for-hostile-input",
};

beforeAll(async () => {
  db = await createTestDatabase();
  for (const provider of providers) {
    const secret = secretFor[provider];
    const { linkId } = await createProviderLink(db.admin, {
      provider,
      inboundSecret:
        provider === "whatsapp"
          ? JSON.stringify({ appSecret: secret, verifyToken: "verify-me" })
          : secret,
    });
    targets.set(provider, {
      provider,
      linkId,
      secret,
      externalAccountId: defaultExternalAccountId[provider],
    });
  }
  const app = makeApp({
    pools: db.pools,
    logger: makeLogger("silent"),
    config: loadConfig({ HTTP_BODY_LIMIT_BYTES: String(bodyLimitBytes) }),
    secretBox,
    executor: agent.executor,
    inboundProviders: makeInboundProviderRegistry(),
    metrics: new Registry(),
    http: { bodyLimitBytes },
    agent: { timeoutMs: 2_000, leaseGraceMs: 1_000 },
  });
  server = await startServer(app, { host: "127.0.0.1", port: 0, logger: makeLogger("silent") });
});

afterAll(async () => {
  await server?.close();
  await db?.drop();
});

async function send(request: HostileRequest): Promise<number> {
  const response = await fetch(`${server.url}${request.path}`, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  await response.arrayBuffer();
  answers[response.status] = (answers[response.status] ?? 0) + 1;
  return response.status;
}

const recorded = async (linkIds: string[]) =>
  (
    await db.admin.query<{ n: number }>(
      "select count(*)::int as n from public.channel_messages where channel_link_id = any($1)",
      [linkIds],
    )
  ).rows[0]!.n;
const allLinkIds = () => [...targets.values()].map((t) => t.linkId);

describe("hostile input", () => {
  for (const provider of providers) {
    it(`${provider}: forged or tampered requests are refused with a 4xx, never recorded, never reach the agent`, async () => {
      const target = targets.get(provider)!;
      const others = [...targets.values()]
        .filter((t) => t.provider !== provider)
        .map((t) => t.linkId);
      const hostile = fc.oneof(forgedRequest(target, others), tamperedRequest(target));
      await fc.assert(
        fc.asyncProperty(hostile, async (request) => {
          const status = await send(request);
          if (status < 400 || status > 499)
            throw new Error(`${request.description} answered ${status}`);
        }),
        { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
      );
      expect(await recorded([target.linkId])).toBe(0);
      expect(agent.calls.filter((call) => call.linkId === target.linkId)).toHaveLength(0);
    });
  }

  it("still accepts a genuine request per provider (the properties above are not vacuous)", async () => {
    const before = agent.calls.length;
    for (const provider of providers) {
      const target = targets.get(provider)!;
      const genuine = genuineRequest(target, `genuine ${provider}`);
      const status = await send({
        path: `/webhooks/${provider}/${target.linkId}`,
        headers: genuine.headers,
        body: Buffer.from(genuine.body),
        description: "genuine",
      });
      expect(status, provider).toBe(200);
    }
    expect(await recorded(allLinkIds())).toBe(providers.length);
    expect(agent.calls.length - before).toBe(providers.length);
    if (process.env.FAULTS_HOSTILE_REPORT)
      process.stdout.write(`hostile answers ${JSON.stringify(answers)}\n`);
  });
});
