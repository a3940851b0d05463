import { ChildProcess, fork } from 'child_process';
import * as path from 'path';
import { virtualTimeEnvironment } from './fake-aws/clock';

export interface Invocation {
  readonly ok: boolean;
  readonly outcome?: string;
  /** The schedule reason or skip reason of the outcome, when it has one. */
  readonly reason?: string;
  readonly error?: string;
  readonly errorMessage?: string;
  /** What the handler returned. */
  readonly result?: any;
  /** The JSON lines the handler printed during the invocation, when the containers capture them. */
  readonly logs?: any[];
}

export interface ContainerOptions {
  /**
   * A ScaledClock of the local endpoint: the containers' Date and timers follow it (see
   * fake-aws/virtual-time.js). Unset: real time.
   */
  readonly clock?: { readonly factor: number; readonly origin: number };
  /** The function's timeout in milliseconds (of the containers' clock). Default 30 s. */
  readonly timeoutMs?: number;
  /** The function's ARN, as the invocation's context gives it. Default: a function named bench-handler. */
  readonly functionArn?: string;
  /** Return the JSON lines the handler prints with each invocation's result; otherwise they are discarded. */
  readonly captureLogs?: boolean;
  /** The Node.js executable the containers run on, as a Lambda runtime is one Node.js version. Default: this process's. */
  readonly execPath?: string;
}

/**
 * Handler "containers": Node.js processes that each load the bundle once and handle one event at a
 * time, as Lambda runs a function with that much concurrency. Their logs are discarded unless
 * `captureLogs` asks for them.
 */
export class Containers {
  static async start(bundle: string, count: number, environment: Record<string, string>, options: ContainerOptions = {}): Promise<Containers> {
    const clock: Record<string, string> = options.clock ? virtualTimeEnvironment(options.clock) : {};
    const timeout: Record<string, string> = options.timeoutMs === undefined ? {} : { CONTAINER_FUNCTION_TIMEOUT_MS: String(options.timeoutMs) };
    const functionArn: Record<string, string> = options.functionArn === undefined ? {} : { CONTAINER_FUNCTION_ARN: options.functionArn };
    const captureLogs: Record<string, string> = options.captureLogs ? { CONTAINER_CAPTURE_LOGS: '1' } : {};
    const workers = await Promise.all(Array.from({ length: count }, () => new Promise<ChildProcess>((resolve, reject) => {
      const child = fork(path.join(__dirname, 'invoke-worker.js'), [bundle], {
        env: { PATH: process.env.PATH ?? '', ...environment, ...clock, ...timeout, ...functionArn, ...captureLogs },
        // Plain Node.js, as Lambda runs the bundle: not the caller's ts-node and its hooks.
        execArgv: [],
        execPath: options.execPath ?? process.execPath,
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      });
      child.once('message', () => resolve(child));
      child.once('error', reject);
    })));
    return new Containers(workers);
  }

  private nextId = 0;
  private readonly idle: ChildProcess[];
  private readonly waiting: ((worker: ChildProcess) => void)[] = [];

  private constructor(private readonly workers: ChildProcess[]) {
    this.idle = [...workers];
  }

  get size(): number {
    return this.workers.length;
  }

  /** Invokes the handler with `event` in the next free container. */
  async invoke(event: unknown): Promise<Invocation> {
    const worker = this.idle.pop() ?? await new Promise<ChildProcess>((resolve) => this.waiting.push(resolve));
    const id = this.nextId++;
    const result = await new Promise<Invocation>((resolve) => {
      const onMessage = (message: Invocation & { id: number }) => {
        if (message.id !== id) return;
        worker.off('message', onMessage);
        resolve(message);
      };
      worker.on('message', onMessage);
      worker.send({ id, event });
    });
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
    return result;
  }

  stop(): void {
    for (const worker of this.workers) worker.send({ stop: true });
  }
}
