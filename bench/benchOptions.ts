import { parseArgs } from "node:util";

export interface BenchOptions {
  readonly jobs: number;
  readonly replies: number;
  readonly concurrency: number;
  readonly ingestSeconds: number;
  readonly latencyRate: number;
  readonly latencySeconds: number;
  readonly history: number;
  readonly tenants: number;
  readonly claimSamples: number;
  readonly quick: boolean;
  readonly databaseUrl: string | undefined;
  /** The embedded server's shared_buffers (default: initdb's; not used with BENCH_DATABASE_URL). */
  readonly sharedBuffers: string | undefined;
  readonly output: string;
  /** Env for every Valinor process: WORKER_*, OUTBOX_*, DATABASE_POOL_SIZE, LOG_LEVEL. */
  readonly valinorEnv: Readonly<Record<string, string>>;
}

const usage = `npm run bench -- [--quick] [--jobs N] [--replies N] [--concurrency C]
  [--ingest-seconds S] [--latency-rate R] [--latency-seconds S] [--history N]
  [--shared-buffers SIZE] [--out FILE]
Valinor settings come from the environment as in production (WORKER_*, OUTBOX_*,
DATABASE_POOL_SIZE, LOG_LEVEL; default LOG_LEVEL=warn). BENCH_DATABASE_URL: a superuser
URL to use instead of embedded PostgreSQL (stock initdb settings; --shared-buffers sets that one).`;

const passedThrough = /^(WORKER_|OUTBOX_|DATABASE_POOL_SIZE$|LOG_LEVEL$|AGENT_)/;

export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      jobs: { type: "string" },
      replies: { type: "string" },
      concurrency: { type: "string" },
      "ingest-seconds": { type: "string" },
      "latency-rate": { type: "string" },
      "latency-seconds": { type: "string" },
      history: { type: "string" },
      "shared-buffers": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const quick = values.quick === true;
  const int = (name: string, raw: string | undefined, fallback: number, min = 1) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`--${name} must be an integer >= ${min}, got ${raw}\n${usage}`);
    }
    return value;
  };
  const valinorEnv: Record<string, string> = { LOG_LEVEL: "warn" };
  for (const [key, value] of Object.entries(env)) {
    if (passedThrough.test(key) && value !== undefined) valinorEnv[key] = value;
  }
  return {
    quick,
    jobs: int("jobs", values.jobs, quick ? 2_000 : 20_000),
    replies: int("replies", values.replies, quick ? 2_000 : 20_000),
    concurrency: int("concurrency", values.concurrency, 10),
    ingestSeconds: int("ingest-seconds", values["ingest-seconds"], quick ? 5 : 20),
    latencyRate: int("latency-rate", values["latency-rate"], 200),
    latencySeconds: int("latency-seconds", values["latency-seconds"], quick ? 5 : 30),
    history: int("history", values.history, quick ? 20_000 : 1_000_000, 0),
    tenants: 10,
    claimSamples: quick ? 200 : 1_000,
    databaseUrl: env.BENCH_DATABASE_URL,
    sharedBuffers: values["shared-buffers"],
    output: values.out ?? "bench/results/last.json",
    valinorEnv,
  };
}
