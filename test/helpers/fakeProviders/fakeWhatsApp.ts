import {
  type FakeProvider,
  type RecordedRequest,
  type ScriptedResponse,
  startFakeProviderServer,
} from "./fakeProviderServer.ts";

export interface FakeWhatsAppOptions {
  /** When set, any other bearer token is answered 401 with Graph error code 190. */
  readonly token?: string;
}

/**
 * A fake WhatsApp Cloud API: `POST /<version>/<phone number id>/messages` answers
 * `{ messaging_product, contacts, messages: [{ id: "wamid.…" }] }` unless scripted otherwise.
 */
export async function startFakeWhatsApp(options: FakeWhatsAppOptions = {}): Promise<FakeProvider> {
  let sequence = 0;
  return startFakeProviderServer({
    defaultResponse(request) {
      const call = whatsappCall(request);
      if (request.method !== "POST" || call === undefined) {
        return whatsappError(100, "Unknown path components", { status: 400 });
      }
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      if (token === undefined || (options.token !== undefined && token !== options.token)) {
        return whatsappError(190, "Invalid OAuth access token.", { status: 401 });
      }
      const body = (request.body ?? {}) as { to?: unknown; text?: { body?: unknown } };
      if (typeof body.to !== "string" || typeof body.text?.body !== "string") {
        return whatsappError(100, "Invalid parameter", { status: 400 });
      }
      sequence += 1;
      return {
        body: {
          messaging_product: "whatsapp",
          contacts: [{ input: body.to, wa_id: body.to }],
          messages: [{ id: `wamid.FAKE${String(sequence).padStart(8, "0")}` }],
        },
      };
    },
  });
}

/** The Graph API error shape: `{ error: { message, type, code, error_subcode?, fbtrace_id } }`. */
export function whatsappError(
  code: number,
  message = `fake error ${code}`,
  init: { status?: number; headers?: Record<string, string>; subcode?: number } = {},
): ScriptedResponse {
  return {
    status: init.status ?? 400,
    headers: init.headers,
    body: {
      error: {
        message,
        type: code === 190 ? "OAuthException" : "GraphMethodException",
        code,
        ...(init.subcode === undefined ? {} : { error_subcode: init.subcode }),
        fbtrace_id: "AFakeTraceId",
      },
    },
  };
}

/** The API version and phone number id named by a recorded request's path. */
export function whatsappCall(
  request: RecordedRequest,
): { apiVersion: string; phoneNumberId: string } | undefined {
  const match = /^\/(v\d+(?:\.\d+)?)\/([^/]+)\/messages(?:\?|$)/.exec(request.path);
  if (!match) return undefined;
  return { apiVersion: match[1]!, phoneNumberId: decodeURIComponent(match[2]!) };
}
