// The log is stdout and stderr (server/utils/logger.ts). When whatever reads them goes away
// (a log collector or journald restarting, a supervisor that died), every write fails with
// EPIPE. Unhandled, each failure was an uncaught exception whose report was one more write:
// a loop that took a whole core and held shutdown up for seconds
// (tests/api/log-streams.test.ts). Lines written while nothing reads them are lost.
export default defineNitroPlugin(() => {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})
})
