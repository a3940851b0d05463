// One Lambda container: loads a handler bundle once, then handles the events its parent sends, one at a time.
//
// With BENCH_TIME_FACTOR (and BENCH_TIME_ORIGIN, epoch ms), the container lives on the benchmark's
// virtual clock, before the bundle is loaded: Date follows `origin + (real - origin) * factor`, as
// the fake's ScaledClock does, and setTimeout/setInterval wait their delay divided by the factor.
// The handler's schedules, the SDK's retry delays and adaptive rate limiter, and the invocation's
// deadline then all run in virtual time; CPU and network latency do not.
const factor = Number(process.env.BENCH_TIME_FACTOR ?? '1');
if (factor !== 1) {
  const origin = Number(process.env.BENCH_TIME_ORIGIN);
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  const virtualNow = () => origin + (realNow() - origin) * factor;
  class VirtualDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(virtualNow());
      else super(...args);
    }
    static now() {
      return virtualNow();
    }
  }
  globalThis.Date = VirtualDate;
  const { setTimeout: realSetTimeout, setInterval: realSetInterval } = globalThis;
  const scaled = (ms) => Math.max(0, (Number(ms) || 0) / factor);
  globalThis.setTimeout = (callback, ms, ...args) => realSetTimeout(callback, scaled(ms), ...args);
  globalThis.setInterval = (callback, ms, ...args) => realSetInterval(callback, scaled(ms), ...args);
}

const [bundle] = process.argv.slice(2);
const { handler } = require(bundle);
/** The function's timeout, as the template sets it: what Lambda's context says is left when an invocation starts. */
const TIMEOUT_MS = Number(process.env.BENCH_FUNCTION_TIMEOUT_MS ?? '30000');
const contextOf = () => {
  const endsAt = Date.now() + TIMEOUT_MS;
  return {
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-handler',
    getRemainingTimeInMillis: () => endsAt - Date.now(),
  };
};

process.on('message', async (message) => {
  if (message.stop) process.exit(0);
  try {
    const result = await handler(message.event, contextOf());
    process.send({ id: message.id, ok: true, outcome: result && result.outcome, reason: result && (result.scheduleReason || result.reason) });
  } catch (error) {
    process.send({ id: message.id, ok: false, error: error && error.name });
  }
});
process.send({ ready: true });
