import type {
  InboundEvent,
  InboundLink,
  InboundProvider,
  InboundRequest,
  InboundVerification,
} from "../inboundProvider.ts";
import { parseSlackEvent } from "./parseSlackEvent.ts";
import { verifySlackSignature } from "./verifySlackSignature.ts";

/**
 * Slack's Events API. The link's inbound secret is the app's signing secret; its external
 * account id, when set, is the workspace's team id that events must carry. Only JSON is
 * accepted: interactivity payloads (form-encoded) are answered 415.
 */
export function makeSlackInboundProvider(
  options: { toleranceSeconds?: number } = {},
): InboundProvider {
  return {
    provider: "slack",
    contentTypes: ["application/json"],

    verify(request: InboundRequest, link: InboundLink, now: Date): InboundVerification {
      return verifySlackSignature({
        signingSecret: link.inboundSecret,
        timestamp: singleHeader(request, "x-slack-request-timestamp"),
        signature: singleHeader(request, "x-slack-signature"),
        body: request.rawBody,
        now,
        ...(options.toleranceSeconds === undefined
          ? {}
          : { toleranceSeconds: options.toleranceSeconds }),
      });
    },

    parse(request: InboundRequest, link: InboundLink): InboundEvent {
      return parseSlackEvent(request.rawBody, link.externalAccountId);
    },
  };
}

function singleHeader(request: InboundRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : undefined;
}
