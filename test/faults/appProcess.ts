import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Env } from "../../src/config/config.ts";
import { exited } from "../helpers/spawnWorker.ts";
import { waitFor } from "../helpers/waitFor.ts";
import { freePort } from "./faultDatabase.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface AppProcess {
  readonly url: string;
  /** The last 64 KiB of its output, for diagnostics. */
  output(): string;
  /** Exits nobody asked for (each restarted on the same port, as a supervisor would), with their output tail. */
  readonly unexpectedExits: readonly string[];
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

/**
 * `node src/main.ts --api-only` as production runs it, on a free port; resolves once /healthz
 * answers. If it dies on its own it is counted and started again on the same port.
 */
export async function startAppProcess(env: Env): Promise<AppProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const unexpectedExits: string[] = [];
  let stopping = false;
  let child: ChildProcess;
  let output: () => string = () => "";

  const launch = () => {
    const current = spawn(process.execPath, ["src/main.ts", "--api-only"], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...env,
        HOST: "127.0.0.1",
        PORT: String(port),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const currentOutput = captureOutput(current);
    child = current;
    output = currentOutput;
    current.once("exit", (code, signal) => {
      if (stopping) return;
      unexpectedExits.push(
        `app exited unexpectedly (code ${code}, signal ${signal}): ${currentOutput().slice(-3_000)}`,
      );
      setTimeout(() => {
        if (!stopping) launch();
      }, 1_000);
    });
  };
  launch();
  await waitFor(
    async () => {
      if (unexpectedExits.length > 0) throw new Error(unexpectedExits[0]);
      return (await fetch(`${url}/healthz`)).ok;
    },
    { timeoutMs: 30_000, intervalMs: 100, message: "the app to answer /healthz" },
  ).catch((error: unknown) => {
    stopping = true;
    child.kill("SIGKILL");
    throw new Error(`app did not start: ${output()}`, { cause: error });
  });
  return {
    url,
    output: () => output(),
    unexpectedExits,
    async stop() {
      stopping = true;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
