/**
 * Writes that leave together: frames written to a socket in one callback (a step's replies, a
 * pump's frames, a batch's released outputs) are corked and flushed once its ticks run, so they
 * go in one `writev` system call instead of one `write` each. On a loaded leader a socket write
 * per reply frame was the largest share of its CPU.
 */
import type { Socket } from "node:net";

const uncork = (socket: Socket) => socket.uncork();

/** Writes `frame` to `socket`, coalesced with the other frames written to it before this tick ends. */
export function writeCoalesced(socket: Socket, frame: Buffer): void {
  if (socket.writableCorked === 0) {
    socket.cork();
    process.nextTick(uncork, socket);
  }
  socket.write(frame);
}
