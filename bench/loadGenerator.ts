// The load generator, a child of bench/run.ts (its own process, so its CPU is not the app's):
// signed `webhook` provider requests, closed-loop at concurrency C or open-loop at a fixed rate.
import { Agent, request } from "node:http";
import { signStandardWebhook } from "../src/providers/webhook/standardWebhookSignature.ts";

interface RunRequest {
  type: "run";
  baseUrl: string;
  links: { linkId: string; secret: string }[];
  mode: "closed" | "open";
  concurrency: number;
  rate: number;
  seconds: number;
  /** Message texts are `${prefix}${n}`: the echo reply carries the same text. */
  prefix: string;
}

const now = () => performance.timeOrigin + performance.now();

function post(agent: Agent, run: RunRequest, n: number): Promise<number> {
  const link = run.links[n % run.links.length]!;
  const id = `msg_${process.pid}_${run.prefix.replaceAll(" ", "_")}${n}`;
  const body = JSON.stringify({
    type: "message",
    conversation_id: `conversation-${n % 50}`,
    sender_id: "bench-sender",
    text: `${run.prefix}${n}`,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  return new Promise((resolve) => {
    const req = request(
      `${run.baseUrl}/webhooks/webhook/${link.linkId}`,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "webhook-id": id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signStandardWebhook(link.secret, id, timestamp, body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(-1));
    req.end(body);
  });
}

async function runLoad(run: RunRequest) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: run.mode === "closed" ? run.concurrency : 256,
  });
  const statuses: Record<string, number> = {};
  const httpMs: number[] = [];
  const answers: [string, number][] = [];
  let next = 0;
  const one = async () => {
    const n = next++;
    const sentAt = now();
    const status = await post(agent, run, n);
    const answeredAt = now();
    statuses[status] = (statuses[status] ?? 0) + 1;
    httpMs.push(answeredAt - sentAt);
    if (status === 200 && run.mode === "open") answers.push([`${run.prefix}${n}`, answeredAt]);
  };
  const started = now();
  const end = started + run.seconds * 1000;
  if (run.mode === "closed") {
    await Promise.all(
      Array.from({ length: run.concurrency }, async () => {
        while (now() < end) await one();
      }),
    );
  } else {
    const interval = 1000 / run.rate;
    const total = Math.round(run.rate * run.seconds);
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i += 1) {
      const due = started + i * interval;
      const wait = due - now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(one());
    }
    await Promise.all(inFlight);
  }
  const seconds = (now() - started) / 1000;
  agent.destroy();
  httpMs.sort((a, b) => a - b);
  const pick = (q: number) => httpMs[Math.min(httpMs.length - 1, Math.floor(q * httpMs.length))];
  return {
    type: "done",
    sent: next,
    ok: statuses["200"] ?? 0,
    statuses,
    seconds,
    httpP50Ms: pick(0.5),
    httpP99Ms: pick(0.99),
    answers,
  };
}

process.on("message", (message: RunRequest) => {
  if (message.type !== "run") return;
  runLoad(message).then(
    (result) => process.send?.(result),
    (error: unknown) => process.send?.({ type: "error", message: String(error) }),
  );
});
process.send?.({ type: "ready" });
