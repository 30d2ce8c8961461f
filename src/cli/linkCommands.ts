import { createLink } from "../admin/createLink.ts";
import { getLink, listLinks, pauseLink, resumeLink } from "../admin/links.ts";
import type { CliContext } from "./cliContext.ts";
import {
  optionalUuid,
  parseCommandArgs,
  providerArg,
  requiredFlag,
  uuidArg,
} from "./commandArgs.ts";
import { type CommandResult, formatFields, formatTable } from "./output.ts";
import { UsageError } from "./usageError.ts";

const providerFlags = {
  url: { type: "string" },
  secret: { type: "string" },
  "team-id": { type: "string" },
  "bot-token": { type: "string" },
  "signing-secret": { type: "string" },
  "bot-id": { type: "string" },
  "phone-number-id": { type: "string" },
  "access-token": { type: "string" },
  "app-secret": { type: "string" },
  "verify-token": { type: "string" },
  "api-base-url": { type: "string" },
  "agent-url": { type: "string" },
} as const;

export async function linkCreate(args: string[], ctx: CliContext): Promise<CommandResult> {
  const command = "link create";
  const { values } = parseCommandArgs(command, args, {
    tenant: { type: "string" },
    provider: { type: "string" },
    name: { type: "string" },
    "public-url": { type: "string" },
    ...providerFlags,
  });
  const tenantId = uuidArg(requiredFlag(values.tenant, "--tenant", command), "--tenant");
  const provider = providerArg(values.provider, command);
  const publicUrl = values["public-url"] ?? `http://${ctx.config.host}:${ctx.config.port}`;
  if (!URL.canParse(publicUrl)) throw new UsageError(`${command}: --public-url must be a URL`);
  const created = await createLink(ctx.pool(), ctx.secretBox(), {
    tenantId,
    publicUrl,
    input: {
      provider,
      name: values.name,
      url: values.url,
      secret: values.secret,
      teamId: values["team-id"],
      botToken: values["bot-token"],
      signingSecret: values["signing-secret"],
      botId: values["bot-id"],
      phoneNumberId: values["phone-number-id"],
      accessToken: values["access-token"],
      appSecret: values["app-secret"],
      verifyToken: values["verify-token"],
      apiBaseUrl: values["api-base-url"],
      agentUrl: values["agent-url"],
    },
  });
  const { link, webhookUrl, secrets, instructions } = created;
  const secretLines = Object.entries(secrets).map(([key, value]) => `  ${key}: ${value}`);
  const text = [
    `created ${link.provider} link ${link.id} for tenant ${link.tenantId}`,
    `webhook URL: ${webhookUrl}`,
    ...(secretLines.length > 0
      ? ["secrets (shown once; no other command prints them, store them now):", ...secretLines]
      : []),
    "",
    ...instructions,
  ].join("\n");
  return { text, json: { link, webhookUrl, secrets, instructions } };
}

export async function linkList(args: string[], ctx: CliContext): Promise<CommandResult> {
  const { values } = parseCommandArgs("link list", args, { tenant: { type: "string" } });
  const links = await listLinks(ctx.pool(), { tenantId: optionalUuid(values.tenant, "--tenant") });
  const text = formatTable(links, [
    ["ID", (l) => l.id],
    ["TENANT", (l) => l.tenantId],
    ["PROVIDER", (l) => l.provider],
    ["ACCOUNT", (l) => l.externalAccountId],
    ["STATUS", (l) => l.status],
    ["NAME", (l) => l.name || null],
  ]);
  return { text, json: { links } };
}

export async function linkShow(args: string[], ctx: CliContext): Promise<CommandResult> {
  const { positionals } = parseCommandArgs(
    "link show",
    args,
    {},
    { min: 1, max: 1, names: "<id>" },
  );
  const link = await getLink(ctx.pool(), uuidArg(positionals[0] as string, "link id"));
  const text = formatFields([
    ["id", link.id],
    ["tenant", link.tenantId],
    ["provider", link.provider],
    ["name", link.name || null],
    ["account", link.externalAccountId],
    ["status", link.status],
    ["paused reason", link.pausedReason],
    ["paused until", link.pausedUntil],
    ["settings", link.settings],
    ["outbox", link.outbox],
    ["created", link.createdAt],
    ["updated", link.updatedAt],
  ]);
  return { text, json: { link } };
}

export async function linkPause(args: string[], ctx: CliContext): Promise<CommandResult> {
  const command = "link pause";
  const { values, positionals } = parseCommandArgs(
    command,
    args,
    { reason: { type: "string" }, until: { type: "string" } },
    { min: 1, max: 1, names: "<id>" },
  );
  const linkId = uuidArg(positionals[0] as string, "link id");
  const reason = requiredFlag(values.reason, "--reason", command);
  let until: Date | undefined;
  if (values.until !== undefined) {
    until = new Date(values.until);
    if (Number.isNaN(until.getTime())) {
      throw new UsageError(`${command}: --until must be an ISO 8601 time, got ${values.until}`);
    }
  }
  const link = await pauseLink(ctx.pool(), linkId, { reason, until });
  return { text: `paused link ${link.id}: ${reason}`, json: { link } };
}

export async function linkResume(args: string[], ctx: CliContext): Promise<CommandResult> {
  const { positionals } = parseCommandArgs(
    "link resume",
    args,
    {},
    { min: 1, max: 1, names: "<id>" },
  );
  const { link, enqueued } = await resumeLink(
    ctx.pool(),
    uuidArg(positionals[0] as string, "link id"),
  );
  return {
    text: `resumed link ${link.id}; enqueued ${enqueued.length} pending outbox row(s)`,
    json: { link, enqueued },
  };
}
