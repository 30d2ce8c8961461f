import { monitorEventLoopDelay } from "node:perf_hooks";
import { defaultInboundProviders } from "../../../src/providers/inboundProvider.ts";
import { startFaultStack } from "../faultStack.ts";
import { createFaultTenants } from "../faultTenants.ts";
import { driveInbound, makeInboundEvent } from "../inboundDriver.ts";
import {
  acceptedEvents,
  checkScenario,
  describeOpenWork,
  type ScenarioContext,
  type ScenarioResult,
  waitForQuiescence,
} from "../scenarioSupport.ts";
import { seededRandom } from "../seededRandom.ts";

const sizes = {
  ci: {
    replies: 240,
    tenants: 3,
    workers: 2,
    concurrency: 12,
    killEveryMs: 3_000,
    chaosTailMs: 15_000,
    driveTimeoutMs: 120_000,
    drainTimeoutMs: 120_000,
  },
  full: {
    replies: 2_000,
    tenants: 5,
    workers: 3,
    concurrency: 16,
    killEveryMs: 4_000,
    chaosTailMs: 30_000,
    driveTimeoutMs: 600_000,
    drainTimeoutMs: 300_000,
  },
};

const faults = {
  transient: 0.3,
  rateLimited: 0.05,
  permanent: 0.02,
  hang: 0.01,
  retryAfterSeconds: 1,
};

/**
 * The headline: replies over every tenant and provider while the providers fail, one worker is
 * SIGKILLed every few seconds, PostgreSQL restarts once, and 10% of webhooks arrive twice.
 */
export async function stormScenario(context: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const size = sizes[context.size];
  const random = seededRandom(context.seed).fork("storm");
  const { database } = context;
  const providers = defaultInboundProviders().map((p) => p.provider);
  const params = {
    ...size,
    providers,
    faults,
    duplicateRate: 0.1,
    postgresRestarts: database.canRestart ? 1 : 0,
  };
  const stack = await startFaultStack(database, { workers: size.workers, random });
  // The fakes run in this process: a stall here delays when they read requests (see
  // retryAfterAnsweredAfterTimeout), so the longest one is reported.
  const harnessDelay = monitorEventLoopDelay({ resolution: 20 });
  harnessDelay.enable();
  try {
    const links = await createFaultTenants(database.admin, {
      secretsKey: database.secretsKey,
      tenantCount: size.tenants,
      providers,
      baseUrls: stack.providers.baseUrls,
      conversationsPerLink: 3,
      random: random.fork("tenants"),
      label: "storm",
    });
    stack.providers.setProfile(faults);
    const events = Array.from({ length: size.replies }, (_, i) =>
      makeInboundEvent(links[i % links.length]!, `storm ${i} ${random.int(0, 1e9)}`, random),
    );

    const progress = { accepted: 0 };
    let killing = true;
    const restart: Record<string, number> = {};
    const chaos = (async () => {
      let restarted = !database.canRestart;
      while (killing) {
        await new Promise((resolve) => setTimeout(resolve, size.killEveryMs));
        if (!killing) break;
        await stack.workers.killOne();
        if (!restarted && progress.accepted >= size.replies * 0.4) {
          restarted = true;
          context.log(`storm: restarting PostgreSQL after ${progress.accepted} accepted webhooks`);
          const down = Date.now();
          await database.stopServer();
          await database.startServer();
          restart.downMs = Date.now() - down;
          restart.at = Date.now();
        }
      }
    })();
    const drive = await driveInbound(stack.app.url, events, {
      concurrency: size.concurrency,
      duplicateRate: 0.1,
      random: random.fork("duplicates"),
      deadline: Date.now() + size.driveTimeoutMs,
      progress,
    });
    const driveMs = Date.now() - started;
    context.log(`storm: ${drive.events} webhooks accepted in ${driveMs} ms; draining the outbox`);
    // Keep killing well into the drain (most deliveries and retries happen there), then settle.
    await new Promise((resolve) => setTimeout(resolve, size.chaosTailMs));
    killing = false;
    await chaos;
    const tenantIds = [...new Set(links.map((link) => link.tenantId))];
    const quiet = await waitForQuiescence(database.admin, tenantIds, {
      timeoutMs: size.drainTimeoutMs,
    });
    const stuck = quiet.quiet ? [] : await describeOpenWork(database.admin, tenantIds);
    const firstSentAfterRestart =
      restart.at === undefined
        ? undefined
        : await database.admin.query<{ ms: number | null }>(
            `select round(extract(epoch from min(sent_at) - to_timestamp($2 / 1000.0)) * 1000)::int as ms
             from public.channel_outbox where tenant_id = any($1) and sent_at > to_timestamp($2 / 1000.0)`,
            [tenantIds, restart.at],
          );
    const checked = await checkScenario(context, {
      links,
      accepted: acceptedEvents(events, drive.unaccepted),
      receipts: stack.providers.receipts,
    });
    const violations = [
      ...checked.violations,
      ...(quiet.quiet ? [] : [`not quiescent after ${quiet.waitedMs} ms: ${stuck.join(" | ")}`]),
      ...(drive.unaccepted.length > 0
        ? [`webhooks never accepted: ${drive.unaccepted.slice(0, 10).join("; ")}`]
        : []),
      ...stack.app.unexpectedExits,
    ];
    return {
      name: "storm",
      passed: violations.length === 0,
      durationMs: Date.now() - started,
      params,
      figures: {
        ...checked.figures,
        drive: {
          ...drive,
          acceptedTimes: undefined,
          unaccepted: drive.unaccepted.length,
          ms: driveMs,
        },
        drainMs: quiet.waitedMs,
        workerKills: stack.workers.kills,
        appUnexpectedExits: stack.app.unexpectedExits.length,
        workerUnexpectedExits: stack.workers.unexpectedExits.length,
        workerUnexpectedExitSamples: stack.workers.unexpectedExits.slice(0, 3),
        reconciler: stack.reconciler,
        postgresRestartDownMs: restart.downMs,
        harnessMaxEventLoopDelayMs: Math.round(harnessDelay.max / 1e6),
        firstSentAfterPostgresRestartMs: firstSentAfterRestart?.rows[0]?.ms ?? undefined,
      },
      violations,
    };
  } finally {
    harnessDelay.disable();
    await stack.stop();
  }
}
