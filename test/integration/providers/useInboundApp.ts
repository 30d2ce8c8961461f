import { afterAll, beforeAll, beforeEach } from "vitest";
import { createProviderLink } from "../../helpers/providerLinks.ts";
import { startTestApp, type TestApp } from "../../helpers/testApp.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";

export interface InboundApp {
  readonly db: TestDatabase;
  /** The running app's base URL. */
  readonly url: string;
  /** The global agent; its calls are forgotten before each test. */
  readonly agent: TestApp["agent"];
  readonly tenantId: string;
  readonly linkId: string;
}

/**
 * Registers the file's hooks: before all tests a fresh database with one provider link and
 * the app in front of it, after all tests both gone. The fields are set once beforeAll ran.
 */
export function useInboundApp(
  link: Omit<Parameters<typeof createProviderLink>[1], "tenantId">,
): InboundApp {
  let app: TestApp | undefined;
  const context = {} as { -readonly [K in keyof InboundApp]: InboundApp[K] };
  beforeAll(async () => {
    context.db = await createTestDatabase();
    ({ tenantId: context.tenantId, linkId: context.linkId } = await createProviderLink(
      context.db.admin,
      link,
    ));
    app = await startTestApp(context.db);
    context.url = app.url;
    context.agent = app.agent;
  });
  afterAll(async () => {
    await app?.close();
    await context.db?.drop();
  });
  beforeEach(() => {
    context.agent.calls.length = 0;
  });
  return context;
}
