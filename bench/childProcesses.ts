import { type ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));

export type Env = Record<string, string>;

/**
 * PATH and HOME, plus NODE_OPTIONS from BENCH_CHILD_NODE_OPTIONS (e.g. --cpu-prof) for profiling,
 * and BENCH_MEMORY_DIR for bench/memorySampler.ts.
 */
function baseEnv(): Env {
  const env: Env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
  if (process.env.BENCH_CHILD_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_CHILD_NODE_OPTIONS;
  if (process.env.BENCH_MEMORY_DIR) env.BENCH_MEMORY_DIR = process.env.BENCH_MEMORY_DIR;
  return env;
}

/** How Node is started: variables set before `node`, and Node's (and V8's) flags. */
export interface NodeLaunch {
  readonly env: Env;
  readonly flags: string[];
}

/**
 * A package.json script of the form `[NAME=value …] node [--flag …] entry [args …]`, split up.
 * The benchmark starts Valinor's processes as `npm run serve` and `npm run worker` do, with the
 * same variables and flags (memory settings live there; see README, "Running in production").
 */
export function nodeScript(name: string): NodeLaunch & { args: string[] } {
  const manifest = JSON.parse(readFileSync(`${repoRoot}/package.json`, "utf8")) as {
    scripts: Record<string, string>;
  };
  const words = (manifest.scripts[name] ?? "").trim().split(/\s+/);
  const node = words.indexOf("node");
  const assignments = words.slice(0, Math.max(node, 0));
  if (node < 0 || !assignments.every((word) => /^[A-Z_][A-Z0-9_]*=\S*$/.test(word))) {
    throw new Error(`package.json script "${name}" is not [NAME=value …] node …`);
  }
  const rest = words.slice(node + 1);
  const entry = rest.findIndex((word) => !word.startsWith("-"));
  return {
    env: Object.fromEntries(assignments.map((word) => word.split(/=(.*)/s).slice(0, 2))),
    flags: rest.slice(0, entry),
    args: rest.slice(entry),
  };
}
type Message = { type: string; [key: string]: unknown };

/** A forked bench script with a typed request/answer over IPC. */
export interface BenchChild {
  readonly child: ChildProcess;
  /** Resolves with the next message of `type` (rejects on an `error` message or exit). */
  next<T extends Message>(type: string, timeoutMs?: number): Promise<T>;
  send(message: Message): void;
  output(): string;
}

/** `launch`: the variables and Node flags to start it with (none by default). */
export function forkBenchScript(
  script: string,
  env: Env,
  launch: NodeLaunch = { env: {}, flags: [] },
): BenchChild {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    cwd: repoRoot,
    env: { ...baseEnv(), ...launch.env, ...env },
    execPath: process.execPath,
    execArgv: launch.flags,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output = (output + chunk).slice(-20_000);
  });
  child.stderr?.on("data", (chunk) => {
    output = (output + chunk).slice(-20_000);
  });
  const inbox: Message[] = [];
  let wake: (() => void) | undefined;
  child.on("message", (message: Message) => {
    // When it arrived, on this process's clock (child clocks are not compared with ours).
    inbox.push({ ...message, receivedAt: performance.timeOrigin + performance.now() });
    wake?.();
  });
  child.on("exit", () => wake?.());
  return {
    child,
    output: () => output,
    send: (message) => child.send(message),
    async next<T extends Message>(type: string, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = inbox.findIndex((m) => m.type === type || m.type === "error");
        if (index >= 0) {
          const [message] = inbox.splice(index, 1);
          if (message!.type === "error") {
            throw new Error(`${script} failed: ${String(message!.message)}\n${output}`);
          }
          return message as T;
        }
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${script} exited (${child.exitCode ?? child.signalCode})\n${output}`);
        }
        if (Date.now() > deadline) throw new Error(`${script}: no "${type}" in ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(1_000, Math.max(1, deadline - Date.now())));
        });
      }
    },
  };
}

/**
 * Valinor's API alone, as `npm run serve` runs it (`node <flags> src/main.ts --api-only`, with
 * the script's variables); `launch` replaces the script's variables and flags (to compare them).
 */
export function spawnApp(env: Env, launch?: NodeLaunch): ChildProcess & { output(): string } {
  const serve = nodeScript("serve");
  const { env: launchEnv, flags } = launch ?? serve;
  const child = spawn(process.execPath, [...flags, ...serve.args], {
    cwd: repoRoot,
    env: { ...baseEnv(), ...launchEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return Object.assign(child, { output: () => output });
}

/** Peak resident set size of a live process, in MiB (Linux /proc VmHWM). */
export function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Waits up to `graceMs` for the child to exit by itself, then sends `signal` (SIGKILL after 15 s). */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = "SIGTERM",
  graceMs = 0,
) {
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  if (gone()) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  if (graceMs > 0) {
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
    if (gone()) return;
  }
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
