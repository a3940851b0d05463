import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { performance } from 'perf_hooks';
import { AwsError } from './aws-error';
import { ManualClock } from './clock';
import { FakeEventBridge } from './eventbridge';
import { Fault, FaultPlan } from './faults';
import { FakeIam } from './iam';
import { FakeScheduler } from './scheduler';
import { FakeSqs, queueArnOf } from './sqs';
import { FakeStepFunctions } from './step-functions';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

type Service = 'sfn' | 'sqs' | 'events' | 'scheduler';

/** What the server works out from a request before it handles it. */
interface Route {
  readonly method: string;
  readonly service?: Service;
  readonly operation: string;
  /** EventBridge Scheduler's REST path: the schedule name and the group from the query string. */
  readonly scheduleName?: string;
  readonly groupName?: string;
}

/** An answer, ready to send. */
interface Answer {
  readonly status: number;
  readonly body: object;
  readonly headers: Record<string, string>;
}

/** The IAM action a call needs on a resource. */
export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
}

/**
 * A local endpoint on 127.0.0.1 for the real AWS SDK v3 clients (`AWS_ENDPOINT_URL_<SERVICE>`):
 * Step Functions and SQS over AWS JSON 1.0, EventBridge over AWS JSON 1.1, EventBridge Scheduler
 * over REST JSON. A fixture, not product: it implements the documented redrive rules, checks the
 * caller's IAM statements (`iam`) and injects faults.
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
  readonly sqs: FakeSqs;
  readonly eventBridge = new FakeEventBridge();
  readonly scheduler: FakeScheduler;
  readonly faults = new FaultPlan();
  /** The caller's IAM statements and every authorization decision. */
  readonly iam = new FakeIam();
  /** Every request, fault or not: `<service>.<operation>` and its input. */
  readonly calls: { operation: string; input: any }[] = [];
  /** Requests answered with ThrottlingException by a token bucket. */
  throttled = 0;
  /** The same, per operation. */
  readonly throttledByOperation = new Map<string, number>();
  /** Milliseconds every request waits before it is handled (setLatency). */
  private latencyMs = 0;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly server: Server;
  /** Timers of delayed and trickling answers, cleared by close(). */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  private constructor(readonly clock: ManualClock) {
    this.stepFunctions = new FakeStepFunctions(clock);
    this.scheduler = new FakeScheduler(clock);
    this.sqs = new FakeSqs(() => clock.now());
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
      AWS_REGION: REGION,
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

  /**
   * Every request waits `ms` milliseconds before it is handled (faults, quotas and all), as a call
   * over a network would. 0 (the default) answers at once.
   */
  setLatency(ms: number): void {
    if (!(ms >= 0)) throw new Error(`latency must be 0 or more milliseconds, got ${ms}`);
    this.latencyMs = ms;
  }

  callsOf(operation: string): any[] {
    return this.calls.filter((call) => call.operation === operation).map((call) => call.input);
  }

  /** Timers of delayed and trickling answers still running (none once close() has returned). */
  get activeTimers(): number {
    return this.timers.size;
  }

  /** Ends every connection, hung and trickling ones included, and clears the fake's timers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, settle] of [...this.timers]) {
      clearTimeout(timer);
      clearInterval(timer);
      settle();
    }
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const route = routeOf(request);
    let input: any;
    try {
      input = JSON.parse(body || '{}');
    } catch {
      return send(response, errorAnswer(new AwsError('SerializationException', 'body is not JSON', 400, namespaceOf(route.service))));
    }
    this.calls.push({ operation: route.operation, input });
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    if (this.closed) return;

    const fault = this.faults.take(route.operation, input);
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') return; // read, never answered: close() or the client ends it
    if (fault?.kind === 'delay') await this.sleep(fault.ms);
    if (this.closed) return; // a delayed call is performed even when the client has given up, as a slow service would
    const answer = this.answer(route, input, fault);
    if (fault?.kind === 'trickle') this.trickle(response, answer, fault.intervalMs);
    else send(response, answer);
  }

  /** Performs the call unless a fault, IAM or a quota stops it, and says what to answer. */
  private answer(route: Route, input: any, fault: Fault | undefined): Answer {
    try {
      if (fault?.kind === 'error') throw new AwsError(fault.code, fault.message ?? fault.code, fault.status ?? 400, namespaceOf(route.service));
      this.authorize(route, input);
      if (this.buckets.get(route.operation)?.take() === false) {
        this.throttled++;
        this.throttledByOperation.set(route.operation, (this.throttledByOperation.get(route.operation) ?? 0) + 1);
        throw new AwsError('ThrottlingException', 'Rate exceeded', 400, namespaceOf(route.service));
      }
      switch (route.service) {
        case 'sfn': return ok(this.stepFunctions.handle(route.operation, input));
        case 'sqs': return ok(this.sqs.handle(route.operation, input));
        case 'events': return ok(this.eventBridge.handle(route.operation, input));
        case 'scheduler': return ok(this.scheduler.handle(route.method, route.scheduleName!, input));
        default: throw new AwsError('UnknownOperationException', `unknown operation ${route.operation}`);
      }
    } catch (error) {
      if (error instanceof AwsError) return errorAnswer(error);
      return errorAnswer(new AwsError('InternalFailure', String(error), 500, namespaceOf(route.service)));
    }
  }

  /** Records a decision for every permission the call needs; throws AccessDeniedException on the first one denied. */
  private authorize(route: Route, input: any): void {
    for (const { action, resource } of requiredPermissions(route, input)) {
      const { allowed, reason } = this.iam.authorize(action, resource);
      if (!allowed) {
        const why = reason === 'explicit-deny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
        throw new AwsError('AccessDeniedException',
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/fake-caller/fake is not authorized to perform: ${action} on resource: ${resource} ${why}`,
          403, namespaceOf(route.service));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.set(timer, resolve);
    });
  }

  /** Sends the status and headers now, then the body one byte every `intervalMs`. */
  private trickle(response: ServerResponse, answer: Answer, intervalMs: number): void {
    const bytes = Buffer.from(JSON.stringify(answer.body), 'utf8');
    response.writeHead(answer.status, headersOf(answer, bytes.length));
    response.flushHeaders();
    let sent = 0;
    const stop = () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
    const timer = setInterval(() => {
      if (response.destroyed || this.closed) return stop();
      response.write(bytes.subarray(sent, sent + 1));
      sent += 1;
      if (sent >= bytes.length) {
        stop();
        response.end();
      }
    }, intervalMs);
    timer.unref();
    this.timers.set(timer, () => response.destroy());
    response.on('close', stop);
  }
}

/**
 * The IAM permissions a call needs, as the services document them:
 * - states:RedriveExecution, DescribeExecution (and other execution calls): the execution ARN;
 *   states:ListExecutions: the state machine (or Map Run) ARN; states:ListStateMachines: `*`;
 * - sqs:SendMessage (and other queue calls): the queue ARN of QueueUrl;
 * - events:PutEvents: the ARN of each entry's event bus (`default` when absent);
 *   events:DescribeRule: the rule's ARN;
 * - scheduler:CreateSchedule: the schedule ARN, and iam:PassRole on Target.RoleArn.
 * Other calls need `<prefix>:<operation>` on `*`.
 */
export function requiredPermissions(
  route: { service?: string; operation: string; scheduleName?: string; groupName?: string },
  input: any,
): RequiredPermission[] {
  const { service, operation } = route;
  const on = (action: string, resource: unknown) => ({ action, resource: typeof resource === 'string' && resource !== '' ? resource : '*' });
  switch (service) {
    case 'sfn': {
      const action = `states:${operation}`;
      if (operation === 'ListStateMachines') return [on(action, '*')];
      if (operation === 'ListExecutions') return [on(action, input.stateMachineArn ?? input.mapRunArn)];
      if (['StartExecution', 'DescribeStateMachine', 'UpdateStateMachine', 'DeleteStateMachine'].includes(operation)) return [on(action, input.stateMachineArn)];
      return [on(action, input.executionArn)];
    }
    case 'sqs':
      return [on(`sqs:${operation}`, input.QueueUrl === undefined ? '*' : queueArnOf(input.QueueUrl))];
    case 'events': {
      const action = `events:${operation}`;
      if (operation === 'PutEvents') {
        const entries: any[] = Array.isArray(input.Entries) && input.Entries.length > 0 ? input.Entries : [{}];
        return [...new Set(entries.map((entry) => eventBusArnOf(entry?.EventBusName)))].map((bus) => on(action, bus));
      }
      if (['DescribeRule', 'PutRule', 'DeleteRule', 'EnableRule', 'DisableRule', 'PutTargets', 'RemoveTargets', 'ListTargetsByRule'].includes(operation)) {
        return [on(action, ruleArnOf(input.Name ?? input.Rule, input.EventBusName))];
      }
      return [on(action, '*')];
    }
    case 'scheduler': {
      const action = `scheduler:${operation}`;
      if (route.scheduleName === undefined) return [on(action, '*')];
      const group = input.GroupName ?? route.groupName ?? 'default';
      const permissions = [on(action, `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${group}/${route.scheduleName}`)];
      if ((operation === 'CreateSchedule' || operation === 'UpdateSchedule') && input.Target?.RoleArn !== undefined) {
        permissions.push(on('iam:PassRole', input.Target.RoleArn));
      }
      return permissions;
    }
    default:
      return [];
  }
}

/** An event bus ARN from a PutEvents entry's EventBusName: a name (default when absent) or an ARN. */
export function eventBusArnOf(eventBusName: unknown): string {
  if (typeof eventBusName !== 'string' || eventBusName === '') return `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`;
  if (eventBusName.startsWith('arn:')) return eventBusName;
  return `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${eventBusName}`;
}

function ruleArnOf(name: unknown, eventBusName: unknown): string {
  const bus = typeof eventBusName === 'string' && eventBusName !== '' ? eventBusName.replace(/^arn:.*:event-bus\//, '') : 'default';
  return `arn:aws:events:${REGION}:${ACCOUNT}:rule/${bus === 'default' ? '' : `${bus}/`}${String(name)}`;
}

const SERVICES: Record<string, Service> = { AWSStepFunctions: 'sfn', AmazonSQS: 'sqs', AWSEvents: 'events' };
const SCHEDULE_OPERATIONS: Record<string, string> = { POST: 'CreateSchedule', PUT: 'UpdateSchedule', GET: 'GetSchedule', DELETE: 'DeleteSchedule' };

function routeOf(request: IncomingMessage): Route {
  const method = request.method ?? '';
  const url = new URL(request.url ?? '/', 'http://fake');
  const scheduleName = /^\/schedules\/([^/]+)$/.exec(url.pathname)?.[1];
  if (scheduleName !== undefined) {
    return {
      method,
      service: 'scheduler',
      operation: SCHEDULE_OPERATIONS[method] ?? `${method}Schedule`,
      scheduleName: decodeURIComponent(scheduleName),
      groupName: url.searchParams.get('groupName') ?? undefined,
    };
  }
  const [prefix, operation] = String(request.headers['x-amz-target'] ?? '').split('.');
  return { method, service: SERVICES[prefix], operation: operation ?? '' };
}

function namespaceOf(service: Service | undefined): string {
  return service === undefined ? 'com.amazonaws.sfn' : NAMESPACES[service];
}

const NAMESPACES: Record<Service, string> = {
  sfn: 'com.amazonaws.sfn',
  sqs: 'com.amazonaws.sqs',
  events: 'com.amazonaws.events',
  scheduler: 'com.amazonaws.scheduler',
};

function ok(body: object): Answer {
  return { status: 200, body, headers: {} };
}

function errorAnswer(error: AwsError): Answer {
  return { status: error.status, body: error.body, headers: error.headers };
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

function headersOf(answer: Answer, contentLength: number): Record<string, string | number> {
  return {
    'content-type': 'application/json',
    'content-length': contentLength,
    'x-amzn-requestid': `fake-${Math.random().toString(16).slice(2)}`,
    ...answer.headers,
  };
}

function send(response: ServerResponse, answer: Answer): void {
  if (response.destroyed || response.writableEnded) return;
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.status, headersOf(answer, Buffer.byteLength(text)));
  response.end(text);
}
