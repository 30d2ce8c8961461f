import type { ProviderName } from "../../src/providers/providerName.ts";
import type {
  FakeProvider,
  RecordedRequest,
  ScriptedResponse,
} from "../helpers/fakeProviders/fakeProviderServer.ts";
import {
  slackBearerToken,
  slackError,
  slackRateLimited,
  startFakeSlack,
} from "../helpers/fakeProviders/fakeSlack.ts";
import {
  startFakeTelegram,
  telegramCall,
  telegramError,
} from "../helpers/fakeProviders/fakeTelegram.ts";
import { startFakeWhatsApp, whatsappError } from "../helpers/fakeProviders/fakeWhatsApp.ts";
import { startFakeWebhookReceiver } from "../helpers/fakeWebhookReceiver.ts";
import type { SeededRandom } from "./seededRandom.ts";

/** Probabilities per send; the rest succeed. */
export interface FaultProfile {
  readonly transient: number;
  readonly rateLimited: number;
  readonly permanent: number;
  /** Never answer: the worker's send timeout has to end the request. */
  readonly hang: number;
  readonly retryAfterSeconds: number;
}

export const noFaults: FaultProfile = {
  transient: 0,
  rateLimited: 0,
  permanent: 0,
  hang: 0,
  retryAfterSeconds: 1,
};

export type Fault = "ok" | "transient" | "rateLimited" | "permanent" | "hang" | "revoked";

/** One request a fake provider received, what it answered, and what it carried. */
export interface Receipt {
  readonly provider: ProviderName;
  readonly request: RecordedRequest;
  readonly fault: Fault;
  /** When the answer left (rate limits: the Retry-After counts from here). */
  readonly answeredAt: number;
  readonly retryAfterMs: number | undefined;
  /** Bot/access token the request carried; webhook: undefined (checked by signature). */
  readonly credential: string | undefined;
  readonly conversationId: string | undefined;
  readonly content: string | undefined;
}

export interface FaultyProviders {
  readonly baseUrls: Readonly<Record<ProviderName, string>>;
  readonly receipts: Receipt[];
  setProfile(profile: FaultProfile): void;
  /** Every later request with this credential is refused as a revoked token. */
  revoke(credential: string): void;
  restore(credential: string): void;
  close(): Promise<void>;
}

type Extract = (request: RecordedRequest) => {
  credential: string | undefined;
  conversationId: string | undefined;
  content: string | undefined;
};

interface ProviderFaults {
  transient(): ScriptedResponse;
  rateLimited(seconds: number): ScriptedResponse;
  permanent(): ScriptedResponse;
  revoked(): ScriptedResponse;
}

const body = (request: RecordedRequest) => (request.body ?? {}) as Record<string, unknown>;
const text = (value: unknown) =>
  value === undefined || value === null ? undefined : String(value);

const extract: Record<ProviderName, Extract> = {
  slack: (r) => ({
    credential: slackBearerToken(r),
    conversationId: text(body(r).channel),
    content: text(body(r).text),
  }),
  telegram: (r) => ({
    credential: telegramCall(r)?.token,
    conversationId: text(body(r).chat_id),
    content: text(body(r).text),
  }),
  whatsapp: (r) => ({
    credential: /^Bearer (.+)$/.exec(r.headers.authorization ?? "")?.[1],
    conversationId: text(body(r).to),
    content: text((body(r).text as { body?: unknown } | undefined)?.body),
  }),
  webhook: (r) => ({
    credential: undefined,
    conversationId: text(body(r).conversation_id),
    content: text(body(r).text),
  }),
};

const faults: Record<ProviderName, ProviderFaults> = {
  slack: {
    transient: () => ({ status: 503, body: "Service Unavailable" }),
    rateLimited: (seconds) => slackRateLimited(seconds),
    permanent: () => slackError("channel_not_found"),
    revoked: () => slackError("token_revoked"),
  },
  telegram: {
    transient: () => telegramError(503, "Service Unavailable"),
    rateLimited: (seconds) =>
      telegramError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds }),
    permanent: () => telegramError(400, "Bad Request: chat not found"),
    revoked: () => telegramError(401, "Unauthorized"),
  },
  whatsapp: {
    transient: () => whatsappError(131016, "Service unavailable", { status: 503 }),
    rateLimited: (seconds) =>
      whatsappError(130429, "Rate limit hit", {
        status: 429,
        headers: { "retry-after": String(seconds) },
      }),
    permanent: () => whatsappError(131026, "Message undeliverable"),
    revoked: () => whatsappError(190, "Error validating access token", { status: 401 }),
  },
  webhook: {
    transient: () => ({ status: 503, body: "busy" }),
    rateLimited: (seconds) => ({ status: 429, headers: { "retry-after": String(seconds) } }),
    permanent: () => ({ status: 422, body: "unprocessable" }),
    revoked: () => ({ status: 401, body: "unknown signing key" }),
  },
};

/** The four outbound fakes, each answering with scripted faults drawn from a seeded source. */
export async function startFaultyProviders(random: SeededRandom): Promise<FaultyProviders> {
  const fakes: Record<ProviderName, FakeProvider> = {
    slack: await startFakeSlack(),
    telegram: await startFakeTelegram(),
    whatsapp: await startFakeWhatsApp(),
    webhook: await startFakeWebhookReceiver(),
  };
  const receipts: Receipt[] = [];
  const revoked = new Set<string>();
  let profile = noFaults;

  for (const provider of Object.keys(fakes) as ProviderName[]) {
    const draw = random.fork(provider);
    fakes[provider].script((request) => {
      const seen = extract[provider](request);
      const roll = draw.next();
      let fault: Fault = "ok";
      if (seen.credential !== undefined && revoked.has(seen.credential)) fault = "revoked";
      else if (roll < profile.hang) fault = "hang";
      else if (roll < profile.hang + profile.permanent) fault = "permanent";
      else if (roll < profile.hang + profile.permanent + profile.rateLimited) fault = "rateLimited";
      else if (roll < profile.hang + profile.permanent + profile.rateLimited + profile.transient)
        fault = "transient";
      const seconds = profile.retryAfterSeconds;
      receipts.push({
        provider,
        request,
        fault,
        answeredAt: Date.now(),
        retryAfterMs: fault === "rateLimited" ? seconds * 1000 : undefined,
        ...seen,
      });
      switch (fault) {
        case "ok":
          return undefined;
        case "hang":
          return { hang: true };
        case "rateLimited":
          return faults[provider].rateLimited(seconds);
        default:
          return faults[provider][fault]();
      }
    });
  }

  return {
    baseUrls: {
      slack: fakes.slack.baseUrl,
      telegram: fakes.telegram.baseUrl,
      whatsapp: fakes.whatsapp.baseUrl,
      webhook: fakes.webhook.baseUrl,
    },
    receipts,
    setProfile(next) {
      profile = next;
    },
    revoke: (credential) => revoked.add(credential),
    restore: (credential) => revoked.delete(credential),
    async close() {
      await Promise.all(Object.values(fakes).map((fake) => fake.close()));
    },
  };
}
