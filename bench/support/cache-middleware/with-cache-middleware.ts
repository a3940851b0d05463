/**
 * The bundle variants of the cacheMiddleware measurement (bundles.ts): every AWS SDK client the
 * handler creates gets `cacheMiddleware: true`. esbuild replaces BENCH_DROP_SEND_OPTIONS: when
 * true, send() also drops its per-call options (the handler's abortSignal), because the SDK uses
 * the cached middleware only for a send without options; that variant shows what the cache could
 * give, not something to ship (the deadline could no longer abort a call).
 */
declare const BENCH_DROP_SEND_OPTIONS: boolean;

type AnyClient = new (...args: any[]) => { send(...args: any[]): any };

export function withCacheMiddleware<T extends AnyClient>(Base: T): T {
  return class extends Base {
    constructor(...args: any[]) {
      super({ ...args[0], cacheMiddleware: true }, ...args.slice(1));
    }

    send(...args: any[]): any {
      return BENCH_DROP_SEND_OPTIONS ? super.send(args[0]) : super.send(...args);
    }
  };
}
