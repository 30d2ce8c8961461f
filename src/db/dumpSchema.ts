import { execFileSync } from "node:child_process";

/**
 * The schema as pg_dump prints it, without graphile-worker's and graphile-migrate's own
 * schemas (versioned by their packages) and with a fixed \restrict key so the dump of the
 * same schema is the same text. Needs a pg_dump at least as new as the server.
 */
export function dumpSchema(ownerUrl: string): string {
  const args = [
    "--schema-only",
    "--exclude-schema=graphile_worker",
    "--exclude-schema=graphile_migrate",
    ownerUrl,
  ];
  if (supportsRestrictKey()) args.unshift("--restrict-key=valinor");
  const raw = execFileSync("pg_dump", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return raw
    .split("\n")
    .filter((line) => !line.startsWith("-- Dumped from") && !line.startsWith("-- Dumped by"))
    .join("\n");
}

function supportsRestrictKey(): boolean {
  return execFileSync("pg_dump", ["--help"], { encoding: "utf8" }).includes("--restrict-key");
}
