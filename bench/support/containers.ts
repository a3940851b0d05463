import { ChildProcess, fork } from 'child_process';
import * as path from 'path';

export interface Invocation {
  readonly ok: boolean;
  readonly outcome?: string;
  readonly error?: string;
}

/**
 * Handler "containers": Node.js processes that each load the bundle once and handle one event at a
 * time, as Lambda runs a function with that much concurrency. Their logs are discarded.
 */
export class Containers {
  static async start(bundle: string, count: number, environment: Record<string, string>): Promise<Containers> {
    const workers = await Promise.all(Array.from({ length: count }, () => new Promise<ChildProcess>((resolve, reject) => {
      const child = fork(path.join(__dirname, 'invoke-worker.js'), [bundle], {
        env: { PATH: process.env.PATH ?? '', ...environment },
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
