import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { defaultInboundProviders } from "../../../src/providers/inboundProvider.ts";
import { waitFor } from "../../helpers/waitFor.ts";
import { startFaultStack } from "../faultStack.ts";
import { createFaultTenants } from "../faultTenants.ts";
import { driveInbound, type InboundEvent, makeInboundEvent } from "../inboundDriver.ts";
import {
  acceptedEvents,
  checkScenario,
  describeOpenWork,
  type ScenarioContext,
  type ScenarioResult,
  waitForQuiescence,
} from "../scenarioSupport.ts";
import { seededRandom } from "../seededRandom.ts";

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const sizes = { ci: { perLinkPerPhase: 10 }, full: { perLinkPerPhase: 40 } };

/**
 * One link's token is revoked at its provider mid-run: the link pauses, its rows keep their
 * attempts and wait (the other tenant's link keeps delivering); after the token works again
 * and an operator runs `valinor link resume`, they are delivered.
 */
export async function revokedCredentialsScenario(
  context: ScenarioContext,
): Promise<ScenarioResult> {
  const started = Date.now();
  const size = sizes[context.size];
  const { database } = context;
  const random = seededRandom(context.seed).fork("revoked");
  const providers = defaultInboundProviders().map((p) => p.provider);
  const stack = await startFaultStack(database, { workers: 2, random });
  const violations: string[] = [];
  const figures: Record<string, unknown> = {};
  try {
    const links = await createFaultTenants(database.admin, {
      secretsKey: database.secretsKey,
      tenantCount: 2,
      providers,
      baseUrls: stack.providers.baseUrls,
      conversationsPerLink: 2,
      random: random.fork("tenants"),
      label: "revoked",
    });
    const tenantIds = [...new Set(links.map((link) => link.tenantId))];
    const revokedProvider = providers.includes("telegram") ? "telegram" : "webhook";
    const target = links.find(
      (l) => l.tenantId === tenantIds[0] && l.provider === revokedProvider,
    )!;
    const sibling = links.find(
      (l) => l.tenantId === tenantIds[1] && l.provider === revokedProvider,
    )!;
    const all: InboundEvent[] = [];
    const phase = async (name: string) => {
      const events = [target, sibling].flatMap((link) =>
        Array.from({ length: size.perLinkPerPhase }, (_, i) =>
          makeInboundEvent(link, `revoked ${name} ${i} ${random.int(0, 1e9)}`, random),
        ),
      );
      all.push(...events);
      const drive = await driveInbound(stack.app.url, events, {
        concurrency: 4,
        duplicateRate: 0,
        random,
        deadline: Date.now() + 60_000,
      });
      if (drive.unaccepted.length > 0)
        violations.push(`${name}: webhooks never accepted: ${drive.unaccepted.join("; ")}`);
    };
    const rowsOf = async (linkId: string) =>
      (
        await database.admin.query<{ status: string; attempt_count: number }>(
          "select status, attempt_count from public.channel_outbox where channel_link_id = $1",
          [linkId],
        )
      ).rows;

    await phase("before");
    const before = await waitForQuiescence(database.admin, tenantIds, { timeoutMs: 60_000 });
    if (!before.quiet) violations.push("the replies before the revocation were not all delivered");

    stack.providers.revoke(target.outboundCredential);
    const revokedAt = Date.now();
    await phase("revoked");
    const paused = await waitFor(
      async () => {
        const { rows } = await database.admin.query<{
          status: string;
          paused_reason: string | null;
          updated_at: Date;
        }>("select status, paused_reason, updated_at from public.channel_links where id = $1", [
          target.id,
        ]);
        return rows[0]?.status === "paused" ? rows[0] : undefined;
      },
      { timeoutMs: 30_000, message: "the revoked link to pause" },
    ).catch(() => undefined);
    if (!paused) violations.push("the link whose token was revoked did not pause");
    figures.pausedAfterMs = Date.now() - revokedAt;
    figures.pausedReason = paused?.paused_reason;
    const waiting = await waitForQuiescence(database.admin, tenantIds, {
      timeoutMs: 60_000,
      waitingLinks: [target.id],
    });
    if (!waiting.quiet)
      violations.push(
        `the other links did not drain while one was paused: ${(await describeOpenWork(database.admin, tenantIds)).join(" | ")}`,
      );
    // Two more reconciler passes: the waiting rows must stay put (not retried, not dead).
    const runs = stack.reconciler.runs;
    await waitFor(() => stack.reconciler.runs >= runs + 2, {
      timeoutMs: 15_000,
      message: "two reconciler passes",
    });
    const refused = stack.providers.receipts.filter((r) => r.fault === "revoked");
    const revokedReceipts = refused.length;
    // Sends claimed before the pause committed may still arrive just after it; none later.
    const pausedAt = paused?.updated_at.getTime() ?? Date.now();
    const late = refused.filter((r) => r.request.receivedAt.getTime() > pausedAt + 1_000);
    const waitingRows = (await rowsOf(target.id)).filter((r) => r.status !== "sent");
    figures.revokedReceipts = revokedReceipts;
    figures.waitingRows = waitingRows.length;
    if (waitingRows.length !== size.perLinkPerPhase)
      violations.push(
        `expected ${size.perLinkPerPhase} rows waiting on the paused link, found ${waitingRows.length}`,
      );
    const badWaiting = waitingRows.filter((r) => r.status !== "pending" || r.attempt_count !== 0);
    if (badWaiting.length > 0)
      violations.push(
        `waiting rows burned attempts or left pending: ${JSON.stringify(badWaiting.slice(0, 5))}`,
      );
    if (revokedReceipts === 0)
      violations.push("the fake never refused the revoked token: the scenario proved nothing");
    if (late.length > 0)
      violations.push(
        `the paused link kept sending: ${late.length} requests more than 1 s after the pause`,
      );

    stack.providers.restore(target.outboundCredential);
    const cli = await execFileAsync(
      process.execPath,
      ["bin/valinor.ts", "link", "resume", target.id, "--json"],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATABASE_URL: database.ownerUrl,
          SECRETS_KEY: database.secretsKey,
          LOG_LEVEL: "warn",
        },
      },
    ).catch((error: { stderr?: string; message: string }) => {
      violations.push(`valinor link resume failed: ${error.stderr ?? error.message}`);
      return undefined;
    });
    figures.resumeOutput = cli?.stdout.trim().slice(0, 300);
    const resumedAt = Date.now();
    const after = await waitForQuiescence(database.admin, tenantIds, { timeoutMs: 60_000 });
    figures.deliveredAfterResumeMs = Date.now() - resumedAt;
    if (!after.quiet)
      violations.push(
        `not delivered after resume: ${(await describeOpenWork(database.admin, tenantIds)).join(" | ")}`,
      );

    const checked = await checkScenario(context, {
      links,
      accepted: acceptedEvents(all, []),
      receipts: stack.providers.receipts.filter((r) => r.fault !== "revoked"),
    });
    violations.push(...checked.violations);
    violations.push(...stack.app.unexpectedExits);
    return {
      name: "revokedCredentials",
      passed: violations.length === 0,
      durationMs: Date.now() - started,
      params: { ...size, revokedProvider, links: links.length },
      figures: { ...checked.figures, ...figures },
      violations,
    };
  } finally {
    await stack.stop();
  }
}
