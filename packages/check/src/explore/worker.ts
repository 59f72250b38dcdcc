/**
 * A worker thread of the explorer: loads the model from its module once, then expands the
 * chunks of BFS levels it is sent and answers with their fingerprinted successors.
 */
import { parentPort, workerData } from "node:worker_threads";
import { expandChunk, type Chunk, type ChunkResult } from "./expand.js";
import { loadModel } from "./load.js";
import type { Model, ModelModule } from "./model.js";

/** A message to a worker. */
export interface ChunkRequest {
  readonly chunk: Chunk;
}

/** A worker's answer: ready, a chunk's result, or an error. */
export type WorkerReply = { readonly type: "ready" } | { readonly type: "result"; readonly result: ChunkResult } | { readonly type: "error"; readonly message: string };

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

const port = parentPort;
if (port !== null) {
  let model: Model<unknown> | undefined;
  const reply = (msg: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
  loadModel(workerData as ModelModule).then(
    (m) => {
      model = m;
      reply({ type: "ready" });
    },
    (err: unknown) => reply({ type: "error", message: errorText(err) }),
  );
  port.on("message", (req: ChunkRequest) => {
    try {
      const result = expandChunk(model as Model<unknown>, req.chunk);
      reply({ type: "result", result }, [result.counts.buffer, result.fingerprints.buffer, result.words.buffer, result.offsets.buffer] as ArrayBuffer[]);
    } catch (err) {
      reply({ type: "error", message: errorText(err) });
    }
  });
}
