import { type ParseArgsConfig, parseArgs } from "node:util";
import { isProviderName, type ProviderName, providerNames } from "../providers/providerName.ts";
import { UsageError } from "./usageError.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs, strict, with its errors turned into usage errors (exit code 2). */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: string[],
  options: O,
  positionals: { min: number; max: number; names?: string } = { min: 0, max: 0 },
) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    const expected = positionals.names ? ` (expected ${positionals.names})` : "";
    throw new UsageError(
      count > positionals.max
        ? `${command}: unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}${expected}`
        : `${command}: missing argument${expected}`,
    );
  }
  return parsed;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidArg(value: string, what: string): string {
  if (!uuidPattern.test(value))
    throw new UsageError(`${what} must be a uuid, got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

export function optionalUuid(value: string | undefined, what: string): string | undefined {
  return value === undefined ? undefined : uuidArg(value, what);
}

export function requiredFlag(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === "") throw new UsageError(`${command}: ${flag} is required`);
  return value;
}

export function providerArg(value: string | undefined, command: string): ProviderName {
  const provider = requiredFlag(value, "--provider", command);
  if (!isProviderName(provider)) {
    throw new UsageError(
      `${command}: --provider must be one of ${providerNames.join(", ")}, got ${JSON.stringify(provider)}`,
    );
  }
  return provider;
}

export function intArg(
  value: string | undefined,
  flag: string,
  range: [number, number],
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < range[0] || parsed > range[1]) {
    throw new UsageError(
      `${flag} must be an integer from ${range[0]} to ${range[1]}, got ${JSON.stringify(value)}`,
    );
  }
  return parsed;
}
