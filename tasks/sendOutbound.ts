import { makeSendOutboundTask } from "../src/runtime/workerTasks.ts";
import { sharedWorkerDeps } from "../src/runtime/sharedWorkerDeps.ts";

export default makeSendOutboundTask(sharedWorkerDeps);
