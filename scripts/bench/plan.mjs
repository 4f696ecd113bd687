// What `npm run bench` runs, and at what size: the full run (the sizes of issue 16), the
// one-minute `--quick` check CI runs, and `--scale=F` (0 < F < 1): the full run's
// measurements with durations and sizes times F and one repeat, to try the whole harness
// in a few minutes. `--only=M1,M4` picks measurements. `--storm-in-flight=N`: M5's receivers
// reconnect N at a time (50 by default; 1000 is every one at once, as tabs do after a restart).
// `--send-delay-target=MS` starts Parley with NUXT_LIMITS_SEND_DELAY_TARGET_MS=MS (0: the
// send gate's delay bound off, to see what it does).

const ALL = ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8']
const QUICK = ['M1', 'M3', 'M5']

export function parseArguments(argv) {
  const quick = argv.includes('--quick')
  const scale = Number(argv.find(arg => arg.startsWith('--scale='))?.slice(8) ?? 1)
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be in (0, 1]')
  const only = argv.find(arg => arg.startsWith('--only='))?.slice(7).split(',').map(id => id.trim().toUpperCase())
  const unknown = only?.filter(id => !ALL.includes(id))
  if (unknown?.length) throw new Error(`unknown measurement ${unknown.join(', ')} (known: ${ALL.join(', ')})`)
  const ids = (only ?? ALL).filter(id => !quick || QUICK.includes(id))
  const stormInFlight = Number(argv.find(arg => arg.startsWith('--storm-in-flight='))?.slice(18) ?? 50)
  if (!(Number.isInteger(stormInFlight) && stormInFlight > 0)) throw new Error('--storm-in-flight must be a positive integer')
  const sendDelayTarget = argv.find(arg => arg.startsWith('--send-delay-target='))?.slice(20)
  if (sendDelayTarget !== undefined && !/^\d+$/.test(sendDelayTarget)) throw new Error('--send-delay-target must be a number of milliseconds')
  const plan = quick ? quickPlan() : fullPlan(scale)
  plan.storm.inFlight = stormInFlight
  const official = !quick && scale === 1 && !only && stormInFlight === 50 && sendDelayTarget === undefined
  return { quick, scale, ids, official, plan, sendDelayTarget }
}

function quickPlan() {
  return {
    reps: 1,
    warmupMs: 2_000,
    durationMs: 8_000,
    small: { chats: 20, perChat: 10, rate: 50 },
    big: { chats: 1, perChat: 100, rate: 10 },
    storm: { rate: 50, durationMs: 10_000, dropAfterMs: 3_000 },
  }
}

function fullPlan(scale) {
  const ms = value => Math.max(2_000, Math.round(value * scale))
  const count = (value, least) => Math.max(least, Math.round(value * scale))
  return {
    reps: scale === 1 ? 3 : 1,
    warmupMs: ms(5_000),
    durationMs: ms(20_000),
    small: { chats: count(100, 10), perChat: 10, rate: 200 },
    big: { chats: 1, perChat: count(1_000, 100), rate: 10 },
    capacityStepMs: { parley: ms(30_000), baseline: ms(10_000) },
    memoryPerPerson: [2, 5],
    storm: { rate: 100, durationMs: ms(30_000), dropAfterMs: ms(5_000) },
    dataSize: { sizes: [1_000, count(100_000, 5_000)], chatCounts: [30, count(500, 100)], runs: count(30, 10) },
    loginStormMs: ms(10_000),
    // Below one instance's capacity on a small machine (M1's 200 msg/s is above it), so
    // the difference is Redis's, not two overloads'.
    instancesRate: 50,
  }
}
