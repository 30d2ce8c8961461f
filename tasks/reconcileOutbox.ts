import { sharedWorkerDeps } from "../src/runtime/sharedWorkerDeps.ts";
import { makeReconcileOutboxTask } from "../src/runtime/workerTasks.ts";

export default makeReconcileOutboxTask(sharedWorkerDeps);
