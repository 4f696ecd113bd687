// Graceful shutdown (server/plugins/10.graceful-shutdown.ts). On SIGTERM the server:
//   1. runs the tasks registered here while it still listens (the realtime hub's goodbye:
//      stop taking frames, wait for the ones being handled), then closes every WebSocket
//      still open with 1001 so clients reconnect to another instance; new upgrades get 503;
//   2. stops listening and lets in-flight HTTP requests finish (Nitro's own shutdown);
//   3. calls Nitro's `close` hook, where shared clients close: the database
//      (server/plugins/01.database.ts) and Redis belong there, after the last request;
//   4. exits 0, within 10 s in all.
import { errorName, logger } from './logger'

type ShutdownTask = () => Promise<void> | void
const tasks: ShutdownTask[] = []
let shuttingDown = false

/** Registers a task for step 1; it should resolve once its work is done (sockets closed). */
export function onShutdown(task: ShutdownTask): void {
  tasks.push(task)
}

/** True from the moment the process was asked to stop. */
export function isShuttingDown(): boolean {
  return shuttingDown
}

/** Runs every registered task, latest registered first; failures do not stop the others. */
export async function runShutdownTasks(): Promise<void> {
  shuttingDown = true
  for (const task of [...tasks].reverse()) {
    try {
      await task()
    }
    catch (error) {
      // one failing task must not keep the process from stopping
      logger.warn('shutdown task failed', { error: errorName(error) })
    }
  }
}
