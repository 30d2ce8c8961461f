import type { FakeProvider } from "./fakeProviderServer.ts";
import { startFakeSlack } from "./fakeSlack.ts";
import { startFakeTelegram } from "./fakeTelegram.ts";
import { startFakeWhatsApp } from "./fakeWhatsApp.ts";

export type FakeProviders = Record<"slack" | "telegram" | "whatsapp", FakeProvider>;

/** A fake Slack, Telegram and WhatsApp API, each accepting only its token. */
export async function startFakeProviders(
  tokens: Readonly<Record<keyof FakeProviders, string>>,
): Promise<FakeProviders> {
  return {
    slack: await startFakeSlack({ token: tokens.slack }),
    telegram: await startFakeTelegram({ token: tokens.telegram }),
    whatsapp: await startFakeWhatsApp({ token: tokens.whatsapp }),
  };
}

/** Closes whichever fakes started (none when beforeAll failed early). */
export async function closeFakeProviders(fakes: FakeProviders | undefined): Promise<void> {
  await Promise.all(Object.values(fakes ?? {}).map((fake) => fake.close()));
}
