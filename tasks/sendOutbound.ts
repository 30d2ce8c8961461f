import { sharedWorkerDeps } from "../src/runtime/sharedWorkerDeps.ts";
import { makeSendOutboundTask } from "../src/runtime/workerTasks.ts";

export default makeSendOutboundTask(sharedWorkerDeps);
