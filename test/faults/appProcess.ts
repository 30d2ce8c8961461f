import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Env } from "../../src/config/config.ts";
import { exited } from "../helpers/spawnWorker.ts";
import { waitFor } from "../helpers/waitFor.ts";
import { freePort } from "./faultDatabase.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface AppProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The last 64 KiB of its output, for diagnostics. */
  output(): string;
  /** Set when the process ended without being asked to. */
  unexpectedExit(): string | undefined;
  stop(): Promise<void>;
}

/** Keeps the tail of a child's output so a long run does not grow without bound. */
export function captureOutput(child: ChildProcess): () => string {
  let output = "";
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-65_536);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  return () => output;
}

/** `node src/main.ts --api-only` as production runs it, on a free port; resolves once /healthz answers. */
export async function startAppProcess(env: Env): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["src/main.ts", "--api-only"], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = captureOutput(child);
  let stopping = false;
  let exit: string | undefined;
  child.once("exit", (code, signal) => {
    if (!stopping) exit = `app exited unexpectedly (code ${code}, signal ${signal})`;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (exit) throw new Error(`${exit}\n${output()}`);
      return (await fetch(`${url}/healthz`)).ok;
    },
    { timeoutMs: 30_000, intervalMs: 100, message: "the app to answer /healthz" },
  ).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw new Error(`app did not start: ${output()}`, { cause: error });
  });
  return {
    url,
    child,
    output,
    unexpectedExit: () => exit,
    async stop() {
      stopping = true;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
