// Graceful shutdown: parts of the server register what they must do when the process
// is asked to stop (close sockets with 1001, flush writes, close Redis). The production
// plugin runs them on SIGTERM before the database is closed.
type ShutdownTask = () => Promise<void> | void
const tasks: ShutdownTask[] = []

export function onShutdown(task: ShutdownTask): void {
  tasks.push(task)
}

/** Runs every registered task, latest registered first; failures do not stop the others. */
export async function runShutdownTasks(): Promise<void> {
  for (const task of [...tasks].reverse()) {
    try {
      await task()
    }
    catch {
      // one failing task must not keep the process from stopping
    }
  }
}
