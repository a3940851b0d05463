import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { performance } from 'perf_hooks';
import { AwsError } from './aws-error';
import { ManualClock } from './clock';
import { FakeEventBridge } from './eventbridge';
import { FaultPlan } from './faults';
import { FakeScheduler } from './scheduler';
import { FakeSqs } from './sqs';
import { FakeStepFunctions } from './step-functions';

/**
 * A local endpoint on 127.0.0.1 for the real AWS SDK v3 clients (`AWS_ENDPOINT_URL_<SERVICE>`):
 * Step Functions and SQS over AWS JSON 1.0, EventBridge over AWS JSON 1.1, EventBridge Scheduler
 * over REST JSON. A fixture, not product: it implements the documented redrive rules and injects
 * faults.
 */
export class FakeAws {
  static async start(clock = new ManualClock()): Promise<FakeAws> {
    const fake = new FakeAws(clock);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  url = '';
  readonly stepFunctions: FakeStepFunctions;
  readonly sqs = new FakeSqs();
  readonly eventBridge = new FakeEventBridge();
  readonly scheduler: FakeScheduler;
  readonly faults = new FaultPlan();
  /** Every request, fault or not: `<service>.<operation>` and its input. */
  readonly calls: { operation: string; input: any }[] = [];
  /** Requests answered with ThrottlingException by a token bucket. */
  throttled = 0;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly server: Server;

  private constructor(readonly clock: ManualClock) {
    this.stepFunctions = new FakeStepFunctions(clock);
    this.scheduler = new FakeScheduler(clock);
    this.server = createServer((request, response) => {
      void this.serve(request, response);
    });
  }

  /** The environment that points the SDK's standard endpoint resolution at this fake. */
  get environment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_SFN: this.url,
      AWS_ENDPOINT_URL_SQS: this.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: this.url,
      AWS_ENDPOINT_URL_SCHEDULER: this.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCALFAKE',
      AWS_SECRET_ACCESS_KEY: 'local-fake-secret',
    };
  }

  createQueue(name: string): string {
    return this.sqs.createQueue(this.url, name);
  }

  /** Throttles `operation` with a token bucket in real time, as the service's quota does. */
  rateLimit(operation: string, burst: number, perSecond: number): void {
    this.buckets.set(operation, new TokenBucket(burst, perSecond));
  }

  callsOf(operation: string): any[] {
    return this.calls.filter((call) => call.operation === operation).map((call) => call.input);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    const scheduleName = /^\/schedules\/([^/?]+)/.exec(request.url ?? '')?.[1];
    const [prefix, targetOperation] = target.split('.');
    const service = scheduleName !== undefined ? 'scheduler' : SERVICES[prefix];
    const operation = scheduleName !== undefined ? `${request.method === 'POST' ? 'Create' : 'Other'}Schedule` : targetOperation;
    let input: any;
    try {
      input = JSON.parse(body || '{}');
    } catch {
      return send(response, 400, new AwsError('SerializationException', 'body is not JSON').body);
    }
    this.calls.push({ operation, input });

    const fault = this.faults.take(operation);
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms).unref());
    try {
      if (fault?.kind === 'error') throw new AwsError(fault.code, fault.message ?? fault.code, fault.status ?? 400);
      if (this.buckets.get(operation)?.take() === false) {
        this.throttled++;
        throw new AwsError('ThrottlingException', 'Rate exceeded');
      }
      if (service === 'sfn') return send(response, 200, this.stepFunctions.handle(operation, input));
      if (service === 'sqs') return send(response, 200, this.sqs.handle(operation, input));
      if (service === 'events') return send(response, 200, this.eventBridge.handle(operation, input));
      if (service === 'scheduler') return send(response, 200, this.scheduler.handle(request.method ?? '', decodeURIComponent(scheduleName!), input));
      throw new AwsError('UnknownOperationException', `unknown target ${target}`);
    } catch (error) {
      if (error instanceof AwsError) return send(response, error.status, error.body, error.code);
      return send(response, 500, new AwsError('InternalFailure', String(error), 500).body);
    }
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

class TokenBucket {
  private tokens: number;
  private at = performance.now();

  constructor(private readonly burst: number, private readonly perSecond: number) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const SERVICES: Record<string, string> = { AWSStepFunctions: 'sfn', AmazonSQS: 'sqs', AWSEvents: 'events' };

function send(response: ServerResponse, status: number, body: object, errorType?: string): void {
  if (response.destroyed || response.writableEnded) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': `fake-${Math.random().toString(16).slice(2)}`,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}
