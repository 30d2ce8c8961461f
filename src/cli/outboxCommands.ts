import { listOutbox } from "../admin/listOutbox.ts";
import { isOutboxStatus, type OutboxRow, outboxStatuses } from "../admin/outboxRows.ts";
import { replayOutbox } from "../admin/replayOutbox.ts";
import { showOutbox } from "../admin/showOutbox.ts";
import type { CliContext } from "./cliContext.ts";
import { intArg, optionalUuid, parseCommandArgs, uuidArg } from "./commandArgs.ts";
import { type CommandResult, formatFields, formatTable, truncate } from "./output.ts";
import { UsageError } from "./usageError.ts";

const rowColumns: ReadonlyArray<readonly [string, (row: OutboxRow) => unknown]> = [
  ["ID", (r) => r.id],
  ["TENANT", (r) => r.tenantId],
  ["LINK", (r) => r.linkId],
  ["PROVIDER", (r) => r.provider],
  ["STATUS", (r) => (r.deadReason ? `${r.status} (${r.deadReason})` : r.status)],
  ["ATTEMPTS", (r) => `${r.attemptCount}/${r.maxAttempts}`],
  ["NEXT ATTEMPT", (r) => (r.status === "pending" ? r.nextAttemptAt : null)],
  ["CREATED", (r) => r.createdAt],
  ["LAST ERROR", (r) => truncate(r.lastError)],
];

export async function outboxList(args: string[], ctx: CliContext): Promise<CommandResult> {
  const { values } = parseCommandArgs("outbox list", args, {
    tenant: { type: "string" },
    status: { type: "string" },
    link: { type: "string" },
    limit: { type: "string" },
  });
  if (values.status !== undefined && !isOutboxStatus(values.status)) {
    throw new UsageError(
      `outbox list: --status must be one of ${outboxStatuses.join(", ")}, got ${JSON.stringify(values.status)}`,
    );
  }
  const rows = await listOutbox(ctx.pool(), {
    tenantId: optionalUuid(values.tenant, "--tenant"),
    linkId: optionalUuid(values.link, "--link"),
    status: values.status,
    limit: intArg(values.limit, "--limit", [1, 10_000]) ?? 50,
  });
  return { text: formatTable(rows, rowColumns), json: { rows } };
}

export async function outboxShow(args: string[], ctx: CliContext): Promise<CommandResult> {
  const { positionals } = parseCommandArgs(
    "outbox show",
    args,
    {},
    { min: 1, max: 1, names: "<id>" },
  );
  const row = await showOutbox(ctx.pool(), uuidArg(positionals[0] as string, "outbox id"));
  const fields = formatFields([
    ["id", row.id],
    ["tenant", row.tenantId],
    ["link", row.linkId],
    ["message", row.messageId],
    ["part", row.partIndex],
    ["provider", row.provider],
    ["conversation", row.conversationId],
    ["thread", row.threadRef],
    ["status", row.status],
    ["dead reason", row.deadReason],
    ["attempts", `${row.attemptCount}/${row.maxAttempts}`],
    ["next attempt", row.nextAttemptAt],
    ["locked at", row.lockedAt],
    ["last error", row.lastError],
    ["provider msg id", row.providerMessageId],
    ["sent at", row.sentAt],
    ["created", row.createdAt],
    ["updated", row.updatedAt],
    ["content", row.content],
  ]);
  const attempts = formatTable(row.attempts, [
    ["#", (a) => a.attemptNumber],
    ["STARTED", (a) => a.startedAt],
    ["OUTCOME", (a) => (a.ambiguous ? `${a.outcome} (ambiguous)` : a.outcome)],
    ["CLASS", (a) => a.errorClass],
    ["HTTP", (a) => a.providerStatus],
    ["CODE", (a) => a.providerCode],
    ["MS", (a) => a.durationMs],
    ["ERROR", (a) => truncate(a.error, 80)],
  ]);
  return { text: `${fields}\n\nattempts:\n${attempts}`, json: { row } };
}

export async function outboxReplay(args: string[], ctx: CliContext): Promise<CommandResult> {
  const command = "outbox replay";
  const { values, positionals } = parseCommandArgs(
    command,
    args,
    {
      tenant: { type: "string" },
      link: { type: "string" },
      status: { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
    { min: 0, max: 1, names: "<id> or --tenant" },
  );
  if (values.status !== undefined && values.status !== "dead") {
    throw new UsageError(`${command}: only dead rows are replayed (--status dead)`);
  }
  const id = positionals[0];
  if (id !== undefined && (values.tenant !== undefined || values.link !== undefined)) {
    throw new UsageError(`${command}: give an outbox id or --tenant [--link], not both`);
  }
  if (id === undefined && values.tenant === undefined) {
    throw new UsageError(`${command}: give an outbox id, or --tenant T [--link L] [--status dead]`);
  }
  const selector =
    id !== undefined
      ? { outboxId: uuidArg(id, "outbox id") }
      : {
          tenantId: uuidArg(values.tenant as string, "--tenant"),
          linkId: optionalUuid(values.link, "--link"),
        };
  const dryRun = values["dry-run"] === true;
  const result = await replayOutbox(ctx.pool(), selector, { dryRun });
  const headline = dryRun
    ? `dry run: would replay ${result.rows.length} dead outbox row(s); nothing changed`
    : `replayed ${result.rows.length} dead outbox row(s); ${result.enqueued.length} job(s) enqueued`;
  const text =
    result.rows.length > 0 ? `${headline}\n${formatTable(result.rows, rowColumns)}` : headline;
  return { text, json: { ...result } };
}
