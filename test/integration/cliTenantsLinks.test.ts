import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLinkSecrets } from "../../src/admin/linkSecrets.ts";
import type { Env } from "../../src/config/config.ts";
import { makeSecretBox } from "../../src/crypto/secretBox.ts";
import type { ProviderName } from "../../src/providers/providerName.ts";
import { cliEnv, linkCreateArgs, runCli, runCliJson } from "../helpers/cliHarness.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";

const SECRETS_KEY = Buffer.alloc(32, 11).toString("base64");
const box = makeSecretBox(SECRETS_KEY);
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const cliVars = { SECRETS_KEY, HOST: "127.0.0.1", PORT: "3999" };
const run = (argv: string[], env: Env = {}) => runCli(argv, cliEnv(db, { ...cliVars, ...env }));
const runJson = (argv: string[]) => runCliJson(argv, cliEnv(db, cliVars));

async function newTenant(name = `t-${randomUUID().slice(0, 8)}`): Promise<string> {
  return (await runJson(["tenant", "create", "--name", name])).tenant.id;
}

async function storedLink(linkId: string) {
  const { rows } = await db.admin.query("select * from channel_links where id = $1", [linkId]);
  return rows[0];
}

function opened<P extends ProviderName>(provider: P, row: Record<string, string>) {
  return openLinkSecrets(box, provider, {
    inboundSecret: row.inbound_secret as string,
    outboundCredentials: row.outbound_credentials as string,
  });
}

describe("valinor tenant", () => {
  it("creates a tenant and lists it, in text and JSON", async () => {
    const created = await run(["tenant", "create", "--name", "Acme"]);
    expect(created.code).toBe(0);
    const id = /created tenant ([0-9a-f-]{36}) \(Acme\)/.exec(created.stdout)?.[1];
    expect(id).toBeDefined();
    const { rows } = await db.admin.query("select name from tenants where id = $1", [id]);
    expect(rows).toEqual([{ name: "Acme" }]);

    const listed = await runJson(["tenant", "list"]);
    expect(listed.ok).toBe(true);
    expect(listed.tenants).toContainEqual(expect.objectContaining({ id, name: "Acme" }));
    const text = await run(["tenant", "list"]);
    expect(text.stdout).toMatch(/^ID\s+CREATED\s+NAME/);
    expect(text.stdout).toContain(`${id}`);
  });

  it("rejects tenant create without --name with exit code 2", async () => {
    const result = await run(["tenant", "create"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--name is required");
  });
});

describe("valinor link create", () => {
  it("creates a webhook link: prints the URL and the secret once, stores it sealed", async () => {
    const tenantId = await newTenant();
    const out = await runJson(
      linkCreateArgs(tenantId, "webhook", { url: "http://127.0.0.1:9/receiver", name: "demo" }),
    );
    const linkId = out.link.id;
    expect(out.webhookUrl).toBe(`http://127.0.0.1:3999/webhooks/webhook/${linkId}`);
    const secret: string = out.secrets.signingSecret;
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(24);

    const row = await storedLink(linkId);
    expect(row).toMatchObject({
      tenant_id: tenantId,
      provider: "webhook",
      name: "demo",
      status: "active",
    });
    expect(row.settings).toEqual({ url: "http://127.0.0.1:9/receiver" });
    expect(row.inbound_secret).not.toContain(secret);
    expect(opened("webhook", row)).toEqual({
      inbound: { signingSecret: secret },
      outbound: { signingSecret: secret },
    });
  });

  it("uses --secret and --public-url, and prints setup text", async () => {
    const tenantId = await newTenant();
    const secret = `whsec_${Buffer.alloc(32, 3).toString("base64")}`;
    const out = await run(
      linkCreateArgs(tenantId, "webhook", {
        url: "https://r.example/in",
        secret,
        "public-url": "https://valinor.example/",
      }),
    );
    expect(out.code).toBe(0);
    const linkId = /created webhook link ([0-9a-f-]{36})/.exec(out.stdout)?.[1] as string;
    expect(out.stdout).toContain(`webhook URL: https://valinor.example/webhooks/webhook/${linkId}`);
    expect(out.stdout).toContain(`signingSecret: ${secret}`);
    expect(out.stdout).toContain("Replies are POSTed to https://r.example/in");
    expect(opened("webhook", await storedLink(linkId)).inbound.signingSecret).toBe(secret);
  });

  it("creates a telegram link: bot id from the token, a generated secret token, the setWebhook call", async () => {
    const tenantId = await newTenant();
    const botToken = "4242:AAE-telegram-token";
    const out = await runJson(
      linkCreateArgs(tenantId, "telegram", {
        "bot-token": botToken,
        "public-url": "https://gw.example",
      }),
    );
    const row = await storedLink(out.link.id);
    expect(row.external_account_id).toBe("4242");
    const secrets = opened("telegram", row);
    expect(secrets.outbound).toEqual({ botToken });
    expect(secrets.inbound.secretToken).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
    expect(out.secrets).toEqual({ secretToken: secrets.inbound.secretToken });
    const instructions = out.instructions.join("\n");
    expect(instructions).toContain("https://api.telegram.org/bot$TELEGRAM_BOT_TOKEN/setWebhook");
    expect(instructions).toContain(`"secret_token":"${secrets.inbound.secretToken}"`);
    expect(instructions).toContain(`"url":"https://gw.example/webhooks/telegram/${out.link.id}"`);
    expect(instructions).not.toContain(botToken);
  });

  it("creates a slack link with the team id as its account", async () => {
    const tenantId = await newTenant();
    const out = await runJson(
      linkCreateArgs(tenantId, "slack", {
        "team-id": "T0123",
        "bot-token": "xoxb-slack-token",
        "signing-secret": "slack-signing-secret",
        "api-base-url": "http://127.0.0.1:9/slack",
        "agent-url": "http://127.0.0.1:9/agent",
      }),
    );
    const row = await storedLink(out.link.id);
    expect(row.external_account_id).toBe("T0123");
    expect(row.settings).toEqual({
      apiBaseUrl: "http://127.0.0.1:9/slack",
      agentUrl: "http://127.0.0.1:9/agent",
    });
    expect(opened("slack", row)).toEqual({
      inbound: { signingSecret: "slack-signing-secret" },
      outbound: { botToken: "xoxb-slack-token" },
    });
    expect(out.secrets).toEqual({});
    expect(out.instructions.join("\n")).toContain(`Request URL: ${out.webhookUrl}`);
  });

  it("creates a whatsapp link: app secret and a generated verify token sealed as JSON", async () => {
    const tenantId = await newTenant();
    const out = await runJson(
      linkCreateArgs(tenantId, "whatsapp", {
        "phone-number-id": "10999",
        "access-token": "EAAG-token",
        "app-secret": "meta-app-secret",
      }),
    );
    const row = await storedLink(out.link.id);
    expect(row.external_account_id).toBe("10999");
    const secrets = opened("whatsapp", row);
    expect(secrets.outbound).toEqual({ accessToken: "EAAG-token" });
    expect(secrets.inbound.appSecret).toBe("meta-app-secret");
    expect(secrets.inbound.verifyToken.length).toBeGreaterThanOrEqual(24);
    expect(JSON.parse(box.open(row.inbound_secret))).toEqual(secrets.inbound);
    expect(out.instructions.join("\n")).toContain(`Verify token: ${secrets.inbound.verifyToken}`);
  });

  it.each([
    [["--provider", "carrier-pigeon"], "--provider must be one of"],
    [["--provider", "telegram"], "telegram links need --bot-token"],
    [["--provider", "telegram", "--bot-token", "no-prefix"], "--bot-id"],
    [["--provider", "slack", "--team-id", "T1", "--bot-token", "x"], "--signing-secret"],
    [["--provider", "whatsapp", "--phone-number-id", "1", "--app-secret", "s"], "--access-token"],
    [["--provider", "webhook"], "webhook links need --url"],
    [["--provider", "webhook", "--url", "ftp://x"], "--url must be an http(s) URL"],
    [
      ["--provider", "webhook", "--url", "http://x", "--secret", "plain"],
      "--secret must be whsec_",
    ],
    [["--provider", "webhook", "--url", "http://x", "--bogus"], "Unknown option '--bogus'"],
  ])("rejects %j with exit code 2", async (flags, message) => {
    const tenantId = await newTenant();
    const before = await db.admin.query("select count(*)::int as n from channel_links");
    const result = await run(["link", "create", "--tenant", tenantId, ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    const after = await db.admin.query("select count(*)::int as n from channel_links");
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it("rejects an unknown tenant, a bad uuid and a missing --tenant with exit code 2", async () => {
    const flags = ["--provider", "webhook", "--url", "http://127.0.0.1:9/r"];
    const unknown = randomUUID();
    const missing = await run(["link", "create", "--tenant", unknown, ...flags, "--json"]);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr)).toEqual({ ok: false, error: `no tenant ${unknown}` });
    const bad = await run(["link", "create", "--tenant", "not-a-uuid", ...flags]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--tenant must be a uuid");
    const none = await run(["link", "create", ...flags]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--tenant is required");
  });

  it("names SECRETS_KEY and DATABASE_URL when they are missing", async () => {
    const tenantId = await newTenant();
    const flags = ["--tenant", tenantId, "--provider", "webhook", "--url", "http://127.0.0.1:9/r"];
    const noKey = await run(["link", "create", ...flags], { SECRETS_KEY: undefined });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("SECRETS_KEY must be set");
    const noDb = await run(["tenant", "list"], { DATABASE_URL: undefined });
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toContain("valinor needs DATABASE_URL");
  });
});

describe("valinor link list, show, pause", () => {
  it("never prints a secret in link list or link show", async () => {
    const tenantId = await newTenant();
    const created = await runJson(
      linkCreateArgs(tenantId, "whatsapp", {
        "phone-number-id": "555",
        "access-token": "SECRET-ACCESS-TOKEN",
        "app-secret": "SECRET-APP-SECRET",
        "verify-token": "SECRET-VERIFY-TOKEN",
      }),
    );
    const row = await storedLink(created.link.id);
    const secrets = ["SECRET-ACCESS-TOKEN", "SECRET-APP-SECRET", "SECRET-VERIFY-TOKEN"];
    const sealed = [row.inbound_secret, row.outbound_credentials];
    const outputs = [
      await run(["link", "list"]),
      await run(["link", "list", "--json"]),
      await run(["link", "list", "--tenant", tenantId, "--json"]),
      await run(["link", "show", created.link.id]),
      await run(["link", "show", created.link.id, "--json"]),
    ];
    for (const output of outputs) {
      expect(output.code).toBe(0);
      expect(output.stdout).toContain(created.link.id);
      for (const value of [...secrets, ...sealed]) expect(output.stdout).not.toContain(value);
      expect(output.stdout).not.toMatch(/inbound_?secret|outbound_?credentials/i);
    }
  });

  it("lists links of one tenant with --tenant and all links without", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const flags = ["--provider", "webhook", "--url", "http://127.0.0.1:9/r"];
    const linkA = (await runJson(["link", "create", "--tenant", a, ...flags])).link.id;
    const linkB = (await runJson(["link", "create", "--tenant", b, ...flags])).link.id;
    const onlyA = await runJson(["link", "list", "--tenant", a]);
    expect(onlyA.links.map((l: { id: string }) => l.id)).toEqual([linkA]);
    const all = (await runJson(["link", "list"])).links.map((l: { id: string }) => l.id);
    expect(all).toEqual(expect.arrayContaining([linkA, linkB]));
    const text = await run(["link", "list", "--tenant", b]);
    expect(text.stdout).toMatch(/^ID\s+TENANT\s+PROVIDER/);
    expect(text.stdout).toContain(linkB);
    expect(text.stdout).not.toContain(linkA);
  });

  it("pauses a link with a reason and shows it", async () => {
    const tenantId = await newTenant();
    const { link } = await runJson(
      linkCreateArgs(tenantId, "webhook", { url: "http://127.0.0.1:9/r" }),
    );
    const paused = await run(["link", "pause", link.id, "--reason", "token revoked"]);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toContain(`paused link ${link.id}: token revoked`);
    expect(await storedLink(link.id)).toMatchObject({
      status: "paused",
      paused_reason: "token revoked",
    });
    const shown = await runJson(["link", "show", link.id]);
    expect(shown.link).toMatchObject({
      id: link.id,
      status: "paused",
      pausedReason: "token revoked",
    });
    const text = await run(["link", "show", link.id]);
    expect(text.stdout).toMatch(/status:\s+paused/);
  });

  it("answers unknown ids, bad uuids and missing flags with exit code 2", async () => {
    const unknown = randomUUID();
    for (const argv of [
      ["link", "show", unknown],
      ["link", "pause", unknown, "--reason", "x"],
      ["link", "resume", unknown],
    ]) {
      const result = await run(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr).toContain(`no channel link ${unknown}`);
    }
    const badUuid = await run(["link", "show", "123"]);
    expect(badUuid.code).toBe(2);
    expect(badUuid.stderr).toContain("link id must be a uuid");
    const noReason = await run(["link", "pause", unknown]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("--reason is required");
    const noId = await run(["link", "show"]);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain("missing argument");
    expect((await run(["link", "list", "--tenant", unknown])).code).toBe(2);
  });
});

describe("valinor dispatch", () => {
  it("answers an unknown command with exit code 2, in text and JSON", async () => {
    const text = await run(["tenant", "explode"]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain("unknown command: tenant explode");
    const json = await run(["frobnicate", "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toMatchObject({ ok: false });
  });

  it("prints usage for --help (exit 0) and for no arguments (exit 2)", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("outbox replay");
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("usage: valinor");
  });

  it("keeps the db commands: db setup names ROOT_DATABASE_URL when it is missing", async () => {
    const result = await run(["db", "setup"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("ROOT_DATABASE_URL must be set");
  });
});
