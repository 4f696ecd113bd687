// Loaded into the two servers M4 measures (`--import`, scripts/bench/capacity.mjs), never into
// a server anything else runs. On SIGUSR2 it runs a full garbage collection, the one a heap
// snapshot starts (the inspector's HeapProfiler.collectGarbage, in-process: no debugging port
// is opened), then writes how many it has run to the file named by PARLEY_BENCH_GC_FILE, so
// that the harness reads the resident size once the collection is over.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'

const doneFile = process.env.PARLEY_BENCH_GC_FILE
if (doneFile) {
  const session = new Session()
  session.connect()
  let collections = 0
  process.on('SIGUSR2', () => {
    session.post('HeapProfiler.collectGarbage', () => writeFileSync(doneFile, String(++collections)))
  })
}
