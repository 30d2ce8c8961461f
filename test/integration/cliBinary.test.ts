import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config/config.ts";
import { cliEnv, linkCreateArgs } from "../helpers/cliHarness.ts";
import { freePort } from "../helpers/provisionPostgres.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

/** Runs the real bin/valinor.ts in a child process with only the environment given. */
function valinor(args: string[], env: Env) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["bin/valinor.ts", ...args],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent", ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("bin/valinor.ts", () => {
  it("creates a tenant and a link and lists them as a real process", async () => {
    const env = cliEnv(db, { SECRETS_KEY: Buffer.alloc(32, 9).toString("base64") });
    const tenant = await valinor(["tenant", "create", "--name", "Binary Co", "--json"], env);
    expect(tenant.stderr).toBe("");
    expect(tenant.code).toBe(0);
    const tenantId = JSON.parse(tenant.stdout).tenant.id;

    const link = await valinor(
      linkCreateArgs(tenantId, "webhook", { url: "http://127.0.0.1:9/r" }),
      env,
    );
    expect(link.code).toBe(0);
    expect(link.stdout).toMatch(/webhook URL: http:\/\/127\.0\.0\.1:3000\/webhooks\/webhook\//);
    const secret = /signingSecret: (whsec_\S+)/.exec(link.stdout)?.[1] as string;
    expect(secret).toBeDefined();

    const list = await valinor(["link", "list", "--tenant", tenantId], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("webhook");
    expect(list.stdout).not.toContain(secret);

    const { rows } = await db.admin.query("select count(*)::int as n from channel_links");
    expect(rows[0].n).toBe(1);
  });

  it("exits 2 naming DATABASE_URL when it is not set and no embedded database exists", async () => {
    const nowhere = mkdtempSync(join(tmpdir(), "valinor-no-embedded-"));
    try {
      const result = await valinor(["tenant", "list"], { EMBEDDED_PG_DIR: nowhere });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("DATABASE_URL");
    } finally {
      rmSync(nowhere, { recursive: true, force: true });
    }
  });

  it("uses the embedded default's credentials when DATABASE_URL is unset, and says so when it is down", async () => {
    const dir = mkdtempSync(join(tmpdir(), "valinor-embedded-down-"));
    try {
      writeFileSync(
        join(dir, "credentials.json"),
        JSON.stringify({
          superuser: "s",
          owner: "o",
          app: "a",
          secretsKey: Buffer.alloc(32).toString("base64"),
        }),
      );
      const port = await freePort();
      const result = await valinor(["tenant", "list"], {
        EMBEDDED_PG_DIR: dir,
        EMBEDDED_PG_PORT: String(port),
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot reach PostgreSQL at 127.0.0.1:${port}`);
      expect(result.stderr).toContain("npm start");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
