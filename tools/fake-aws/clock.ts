/** A clock the tests move by hand. Starts at the real time unless told otherwise. */
export class ManualClock {
  private current: number;

  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(epochMs: number): void {
    this.current = epochMs;
  }
}

/**
 * A clock that follows real time sped up by `factor` from `origin` (epoch milliseconds, the real
 * time when the virtual one starts): `origin + (Date.now() - origin) * factor`. Another process
 * that knows the same origin and factor computes the same time. `advance()` and `set()` shift it.
 */
export class ScaledClock extends ManualClock {
  private offset = 0;

  constructor(readonly factor: number, readonly origin: number = Date.now()) {
    super(origin);
    if (!(factor > 0)) throw new Error(`a scaled clock needs a factor above 0, got ${factor}`);
  }

  now(): number {
    return this.origin + (Date.now() - this.origin) * this.factor + this.offset;
  }

  advance(ms: number): void {
    this.offset += ms;
  }

  set(epochMs: number): void {
    this.offset += epochMs - this.now();
  }
}

/**
 * The environment with which a process that loads virtual-time.js first follows a ScaledClock of
 * `factor` from `origin` (without the shifts of its advance() and set()).
 */
export function virtualTimeEnvironment(clock: { readonly factor: number; readonly origin: number }): Record<string, string> {
  return { VIRTUAL_TIME_FACTOR: String(clock.factor), VIRTUAL_TIME_ORIGIN: String(clock.origin) };
}
