import type { ChildProcess } from "node:child_process";
import type { Env } from "../../src/config/config.ts";
import { exited, spawnWorker } from "../helpers/spawnWorker.ts";
import type { SeededRandom } from "./seededRandom.ts";

interface Slot {
  child: ChildProcess & { output: () => string };
  /** Set while the harness itself kills or stops this worker. */
  expected: boolean;
}

export interface WorkerPool {
  /** SIGKILLs one worker (chosen by the seeded source) and starts a replacement at once. */
  killOne(): Promise<void>;
  readonly kills: number;
  /** Workers that exited without being killed by the harness (restarted, as a supervisor would). */
  readonly unexpectedExits: readonly string[];
  stop(): Promise<void>;
}

/**
 * N stock `graphile-worker` CLI processes. A worker that dies on its own is restarted after a
 * second (what systemd or Kubernetes would do) and counted, so the report shows it.
 */
export function startWorkerPool(count: number, env: Env, random: SeededRandom): WorkerPool {
  const slots: Slot[] = [];
  const unexpectedExits: string[] = [];
  let kills = 0;
  let stopping = false;

  const launch = (index: number) => {
    const slot: Slot = { child: spawnWorker(env), expected: false };
    slots[index] = slot;
    slot.child.once("exit", (code, signal) => {
      if (slot.expected || stopping) return;
      const tail = slot.child.output().slice(-2_000);
      unexpectedExits.push(`worker ${index} exited (code ${code}, signal ${signal}): ${tail}`);
      setTimeout(() => {
        if (!stopping && slots[index] === slot) launch(index);
      }, 1_000);
    });
  };
  for (let index = 0; index < count; index += 1) launch(index);

  return {
    async killOne() {
      const index = random.int(0, slots.length - 1);
      const slot = slots[index];
      if (!slot || stopping) return;
      slot.expected = true;
      slot.child.kill("SIGKILL");
      await exited(slot.child);
      kills += 1;
      if (!stopping) launch(index);
    },
    get kills() {
      return kills;
    },
    unexpectedExits,
    async stop() {
      stopping = true;
      await Promise.all(
        slots.map(async (slot) => {
          slot.expected = true;
          slot.child.kill("SIGTERM");
          const timer = setTimeout(() => slot.child.kill("SIGKILL"), 15_000);
          await exited(slot.child);
          clearTimeout(timer);
        }),
      );
    },
  };
}
