import { sharedWorkerDeps } from "../src/runtime/sharedWorkerDeps.ts";
import { makeRetainOutboxTask } from "../src/runtime/workerTasks.ts";

export default makeRetainOutboxTask(sharedWorkerDeps);
