import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Env } from "../../src/config/config.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cli = fileURLToPath(
  new URL("../../node_modules/graphile-worker/dist/cli.js", import.meta.url),
);

/** The stock `graphile-worker` CLI as a child process, configured by env like production. */
export function spawnWorker(env: Env): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [cli], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return Object.assign(child, { output: () => output });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}
