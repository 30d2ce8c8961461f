import { afterAll, beforeAll, beforeEach } from "vitest";
import type { FakeProvider } from "./fakeProviderServer.ts";

/**
 * Registers the file's hooks: the fake starts before all tests, forgets its requests and
 * scripts before each, and closes after all. The returned fake forwards to the running one.
 */
export function useFakeProvider(start: () => Promise<FakeProvider>): FakeProvider {
  let fake: FakeProvider | undefined;
  const running = () => {
    if (fake === undefined) throw new Error("the fake provider starts in beforeAll");
    return fake;
  };
  beforeAll(async () => {
    fake = await start();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => running().reset());
  return {
    get baseUrl() {
      return running().baseUrl;
    },
    get requests() {
      return running().requests;
    },
    script: (script) => running().script(script),
    reset: () => running().reset(),
    waitForRequests: (count, options) => running().waitForRequests(count, options),
    close: () => running().close(),
  };
}

/** The base URL of a fake that has already closed: connecting to it is refused. */
export async function closedProviderUrl(start: () => Promise<FakeProvider>): Promise<string> {
  const closed = await start();
  await closed.close();
  return closed.baseUrl;
}
