// Preloaded (`node -r`) into a process that lives on the endpoint's ScaledClock: with
// VIRTUAL_TIME_FACTOR (and VIRTUAL_TIME_ORIGIN, epoch ms), before anything else is loaded, Date
// follows `origin + (real - origin) * factor`, as ScaledClock does, and setTimeout/setInterval wait
// their delay divided by the factor. A handler's schedules, the SDK's retry delays and adaptive rate
// limiter, and an invocation's deadline then all run in virtual time; CPU and network latency do not.
const factor = Number(process.env.VIRTUAL_TIME_FACTOR ?? '1');
if (factor !== 1) {
  const origin = Number(process.env.VIRTUAL_TIME_ORIGIN);
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
