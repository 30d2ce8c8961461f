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
    webhooks: 80,
    tenants: 2,
    workers: 2,
    concurrency: 4,
    spacingMs: 300,
    downAfterMs: 2_500,
    downForMs: 5_000,
  },
  full: {
    webhooks: 400,
    tenants: 3,
    workers: 2,
    concurrency: 8,
    spacingMs: 250,
    downAfterMs: 4_000,
    downForMs: 8_000,
  },
};
const faults = { transient: 0.1, rateLimited: 0, permanent: 0, hang: 0, retryAfterSeconds: 1 };

/**
 * PostgreSQL stops for several seconds while webhooks arrive and replies are being delivered:
 * the app answers 5xx (fail closed), the driver redelivers until 200 as a provider would, and
 * once PostgreSQL is back everything is recorded once and delivered; nothing is lost.
 */
export async function databaseGoneScenario(context: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const size = sizes[context.size];
  const { database } = context;
  if (!database.canRestart) {
    return {
      name: "databaseGone",
      passed: true,
      durationMs: 0,
      params: size,
      figures: { skipped: "needs the embedded PostgreSQL (FAULTS_DATABASE_URL is set)" },
      violations: [],
    };
  }
  const random = seededRandom(context.seed).fork("databaseGone");
  const providers = defaultInboundProviders().map((p) => p.provider);
  const stack = await startFaultStack(database, { workers: size.workers, random });
  try {
    const links = await createFaultTenants(database.admin, {
      secretsKey: database.secretsKey,
      tenantCount: size.tenants,
      providers,
      baseUrls: stack.providers.baseUrls,
      conversationsPerLink: 2,
      random: random.fork("tenants"),
      label: "database-gone",
    });
    stack.providers.setProfile(faults);
    const events = Array.from({ length: size.webhooks }, (_, i) =>
      makeInboundEvent(links[i % links.length]!, `gone ${i} ${random.int(0, 1e9)}`, random),
    );
    const outage: { downAt?: number; upAt?: number } = {};
    const chaos = (async () => {
      await new Promise((resolve) => setTimeout(resolve, size.downAfterMs));
      outage.downAt = Date.now();
      await database.stopServer();
      await new Promise((resolve) => setTimeout(resolve, size.downForMs));
      await database.startServer();
      outage.upAt = Date.now();
    })();
    const drive = await driveInbound(stack.app.url, events, {
      concurrency: size.concurrency,
      duplicateRate: 0,
      random,
      spacingMs: size.spacingMs,
      deadline: Date.now() + 5 * 60_000,
    });
    await chaos;
    const tenantIds = [...new Set(links.map((link) => link.tenantId))];
    const quiet = await waitForQuiescence(database.admin, tenantIds, { timeoutMs: 90_000 });
    const stuck = quiet.quiet ? [] : await describeOpenWork(database.admin, tenantIds);
    const upAt = outage.upAt ?? Date.now();
    const { rows } = await database.admin.query<{ first: number | null; last: number | null }>(
      `select round(extract(epoch from min(sent_at)) * 1000)::float8 as first,
              round(extract(epoch from max(sent_at)) * 1000)::float8 as last
       from public.channel_outbox where tenant_id = any($1) and sent_at > to_timestamp($2 / 1000.0)`,
      [tenantIds, upAt],
    );
    const firstAccepted = Math.min(...drive.acceptedTimes.filter((t) => t > upAt));
    const checked = await checkScenario(context, {
      links,
      accepted: acceptedEvents(events, drive.unaccepted),
      receipts: stack.providers.receipts,
    });
    const failedAnswers = Object.entries(drive.statusCounts).filter(([status]) => status !== "200");
    const violations = [
      ...checked.violations,
      ...(quiet.quiet ? [] : [`not quiescent after ${quiet.waitedMs} ms: ${stuck.join(" | ")}`]),
      ...(drive.unaccepted.length > 0
        ? [`webhooks never accepted: ${drive.unaccepted.slice(0, 10).join("; ")}`]
        : []),
      ...(failedAnswers.length === 0
        ? ["no webhook met the outage: the scenario proved nothing"]
        : []),
      ...failedAnswers
        .filter(([status]) => Number(status) >= 400 && Number(status) < 500)
        .map(
          ([status, n]) =>
            `${n} webhooks answered ${status} during the outage (must be 5xx so providers redeliver)`,
        ),
      ...stack.app.unexpectedExits,
    ];
    return {
      name: "databaseGone",
      passed: violations.length === 0,
      durationMs: Date.now() - started,
      params: { ...size, providers, faults },
      figures: {
        ...checked.figures,
        webhookAnswers: drive.statusCounts,
        redeliveries: drive.redeliveries,
        outageMs: (outage.upAt ?? 0) - (outage.downAt ?? 0),
        firstWebhookAcceptedAfterRestartMs: Number.isFinite(firstAccepted)
          ? firstAccepted - upAt
          : undefined,
        firstSentAfterRestartMs: rows[0]?.first ? rows[0].first - upAt : undefined,
        lastSentAfterRestartMs: rows[0]?.last ? rows[0].last - upAt : undefined,
        appUnexpectedExits: stack.app.unexpectedExits.length,
        workerUnexpectedExits: stack.workers.unexpectedExits.length,
        workerUnexpectedExitSamples: stack.workers.unexpectedExits
          .slice(0, 2)
          .map((line) => line.slice(0, 600)),
        reconciler: stack.reconciler,
        drainMs: quiet.waitedMs,
      },
      violations,
    };
  } finally {
    await stack.stop();
  }
}
