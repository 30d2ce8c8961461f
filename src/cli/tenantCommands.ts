import { createTenant, listTenants } from "../admin/tenants.ts";
import type { CliContext } from "./cliContext.ts";
import { parseCommandArgs, requiredFlag } from "./commandArgs.ts";
import { type CommandResult, formatTable } from "./output.ts";
import { UsageError } from "./usageError.ts";

export async function tenantCreate(args: string[], ctx: CliContext): Promise<CommandResult> {
  const { values } = parseCommandArgs("tenant create", args, { name: { type: "string" } });
  const name = requiredFlag(values.name, "--name", "tenant create").trim();
  if (name.length === 0 || name.length > 200) {
    throw new UsageError("tenant create: --name must be 1 to 200 characters");
  }
  const tenant = await createTenant(ctx.pool(), name);
  return { text: `created tenant ${tenant.id} (${tenant.name})`, json: { tenant } };
}

export async function tenantList(args: string[], ctx: CliContext): Promise<CommandResult> {
  parseCommandArgs("tenant list", args, {});
  const tenants = await listTenants(ctx.pool());
  const text = formatTable(tenants, [
    ["ID", (t) => t.id],
    ["CREATED", (t) => t.createdAt],
    ["NAME", (t) => t.name],
  ]);
  return { text, json: { tenants } };
}
