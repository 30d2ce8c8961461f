import { sendJson, startFakeAgentServer } from "../../helpers/fakeAgent.ts";
import { startFaultStack } from "../faultStack.ts";
import { createFaultTenants } from "../faultTenants.ts";
import { deliverUntilAccepted, makeInboundEvent } from "../inboundDriver.ts";
import {
  checkScenario,
  describeOpenWork,
  type ScenarioContext,
  type ScenarioResult,
  waitForQuiescence,
} from "../scenarioSupport.ts";
import { seededRandom } from "../seededRandom.ts";

const sizes = {
  ci: { webhooks: 100, tenants: 2, agentDelayMs: 5_000, tooSlowShare: 0.1 },
  full: { webhooks: 100, tenants: 4, agentDelayMs: 5_000, tooSlowShare: 0.1 },
};
const agentTimeoutMs = 8_000;
/** /healthz never touches the database: it only waits for a busy event loop on 2 cores. */
const healthzLimitMs = 1_000;
/** /readyz queues for a pool connection behind the burst's own queries, never for the agent. */
const readyzLimitMs = 3_000;
/** While every request waits for the agent, no connection is held: /readyz answers at once. */
const readyzWhileWaitingLimitMs = 250;

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return performance.now() - started;
}

/**
 * The agent answers after 5 s (10% after 12 s, past AGENT_TIMEOUT_MS) while 100 webhooks arrive
 * at once: /healthz and /readyz stay fast (no pool held across the agent call), every message
 * ends executed (one reply, delivered) or execution_failed (no reply): nothing half-written.
 */
export async function slowAgentScenario(context: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const size = sizes[context.size];
  const random = seededRandom(context.seed).fork("slowAgent");
  const { database } = context;
  const agent = await startFakeAgentServer((request, res) => {
    const text = (request.body as { message: { text: string } }).message.text;
    const delay = text.includes("too-slow") ? agentTimeoutMs + 4_000 : size.agentDelayMs;
    setTimeout(() => {
      if (!res.destroyed) sendJson(res, 200, { reply: `echo: ${text}` });
    }, delay);
  });
  const stack = await startFaultStack(database, {
    workers: 1,
    random,
    env: { AGENT_TIMEOUT_MS: String(agentTimeoutMs), DATABASE_POOL_SIZE: "10" },
  });
  const params = {
    ...size,
    agentTimeoutMs,
    appPoolSize: 10,
    healthzLimitMs,
    readyzLimitMs,
    readyzWhileWaitingLimitMs,
  };
  try {
    const links = await createFaultTenants(database.admin, {
      secretsKey: database.secretsKey,
      tenantCount: size.tenants,
      providers: ["webhook"],
      baseUrls: stack.providers.baseUrls,
      conversationsPerLink: 2,
      random: random.fork("tenants"),
      label: "slow-agent",
      settings: { agentUrl: agent.url },
    });
    const events = Array.from({ length: size.webhooks }, (_, i) => {
      const label = random.chance(size.tooSlowShare) ? "too-slow" : "slow";
      return makeInboundEvent(
        links[i % links.length]!,
        `${label} ${i} ${random.int(0, 1e9)}`,
        random,
      );
    });

    let inFlight = true;
    const health: number[] = [];
    const ready: number[] = [];
    const readyWhileWaiting: number[] = [];
    const burstStart = Date.now();
    const probeErrors: string[] = [];
    const probe = (async () => {
      while (inFlight) {
        await Promise.all([
          timed(`${stack.app.url}/healthz`).then((ms) => health.push(ms)),
          timed(`${stack.app.url}/readyz`).then((ms) => {
            ready.push(ms);
            // Between the burst's intake (1.5 s) and the agent's first answers (5 s).
            const at = Date.now() - burstStart - ms;
            if (at > 1_500 && Date.now() - burstStart < size.agentDelayMs - 200)
              readyWhileWaiting.push(ms);
          }),
        ]).catch((error: unknown) => probeErrors.push(String(error)));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    // All at once, each delivered once: a 503 (execution_failed) is an answer, not redelivered here.
    const results = await Promise.all(
      events.map((event) => deliverUntilAccepted(stack.app.url, event, { deadline: 0 })),
    );
    inFlight = false;
    await probe;
    const burstMs = Date.now() - started;
    const statuses: Record<string, number> = {};
    for (const result of results)
      for (const s of result.statuses) statuses[s] = (statuses[s] ?? 0) + 1;

    const tenantIds = [...new Set(links.map((link) => link.tenantId))];
    const quiet = await waitForQuiescence(database.admin, tenantIds, { timeoutMs: 60_000 });
    const stuck = quiet.quiet ? [] : await describeOpenWork(database.admin, tenantIds);
    const checked = await checkScenario(context, {
      links,
      accepted: events,
      receipts: stack.providers.receipts,
      allowedMessageStates: ["executed", "execution_failed"],
    });
    const max = (list: number[]) => Math.round(Math.max(0, ...list));
    const violations = [
      ...checked.violations,
      ...(quiet.quiet ? [] : [`not quiescent after ${quiet.waitedMs} ms: ${stuck.join(" | ")}`]),
      ...(max(health) > healthzLimitMs ? [`/healthz took ${max(health)} ms during the burst`] : []),
      ...(max(ready) > readyzLimitMs ? [`/readyz took ${max(ready)} ms during the burst`] : []),
      ...(max(readyWhileWaiting) > readyzWhileWaitingLimitMs
        ? [`/readyz took ${max(readyWhileWaiting)} ms while requests waited for the agent`]
        : []),
      ...(readyWhileWaiting.length === 0
        ? ["no /readyz probe completed while requests waited for the agent"]
        : []),
      ...probeErrors.slice(0, 5).map((error) => `probe failed: ${error}`),
      ...(Object.keys(statuses).some((s) => s !== "200" && s !== "503")
        ? [`unexpected webhook answers ${JSON.stringify(statuses)}`]
        : []),
      ...stack.app.unexpectedExits,
      ...(agent.requests.length !== events.length
        ? [`the agent was called ${agent.requests.length} times for ${events.length} messages`]
        : []),
    ];
    return {
      name: "slowAgent",
      passed: violations.length === 0,
      durationMs: Date.now() - started,
      params,
      figures: {
        ...checked.figures,
        webhookAnswers: statuses,
        burstMs,
        agentCalls: agent.requests.length,
        healthzProbes: health.length,
        healthzMaxMs: max(health),
        readyzMaxMs: max(ready),
        readyzWhileWaitingProbes: readyWhileWaiting.length,
        readyzWhileWaitingMaxMs: max(readyWhileWaiting),
        drainMs: quiet.waitedMs,
      },
      violations,
    };
  } finally {
    await stack.stop();
    await agent.close();
  }
}
