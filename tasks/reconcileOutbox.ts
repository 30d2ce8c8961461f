import { makeReconcileOutboxTask } from "../src/runtime/workerTasks.ts";
import { sharedWorkerDeps } from "../src/runtime/sharedWorkerDeps.ts";

export default makeReconcileOutboxTask(sharedWorkerDeps);
