import { Duration } from 'aws-cdk-lib';
import { Outcome } from '../../core/outcome';
import { startDeadline } from '../../lambda/redrive/deadline';
import { dependenciesFromEnvironment } from '../../lambda/redrive/dependencies';
import { createHandler, createTriggerHandler, InvocationContext } from '../../lambda/redrive/handler';
import { SweepLimits, SweepSummary } from '../../lambda/redrive/sweep';
import { TraceMarker } from '../../lambda/redrive/tracing';
import { AutoRedriveProps, Backoff, ErrorFilter, RedrivableStatus } from '../../src';
import { BackoffSpec, ENV, ErrorFilterSpec, HandlerPolicy, SCHEDULED_TIME_PLACEHOLDER } from '../../src/shared/contract';
import { autoRedriveTemplate } from '../../tools/auto-redrive-template';
import { resolveIntrinsics } from '../../tools/cfn-intrinsics';
import { deployToFake, FakeDeployment } from '../../tools/deploy-to-fake';
import { EventSourceMapping } from '../../tools/event-source-mapping';
import { ACCOUNT, REGION } from '../../tools/events';
import { FakeAws } from '../../tools/fake-aws/server';

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly [key: string]: unknown;
}

export interface HarnessOptions {
  /**
   * The construct's props, over `Backoff.none()` (so that a redrive happens at once) and
   * `outcomeEvents: true`: the handler tests' defaults.
   */
  readonly props?: Partial<AutoRedriveProps>;
  /** The same, written as the policy the handler receives. */
  readonly policy?: Partial<HandlerPolicy>;
  /** The watched state machines' names. */
  readonly stateMachines?: string[];
  /** The draw for jitter; Math.random unless given. */
  readonly random?: () => number;
  readonly tracing?: TraceMarker;
  /** How long one attempt of a call may take before the SDK gives up on it. */
  readonly requestTimeoutMs?: number;
  /** The SDK's attempts per call (AWS_MAX_ATTEMPTS); 3 unless given. */
  readonly maxAttempts?: number;
  /**
   * AWS_RETRY_MODE, adaptive (the construct's) unless given. Adaptive mode throttles the client in
   * real time after a throttling error, which a test that injects many would wait on.
   */
  readonly retryMode?: 'adaptive' | 'standard';
  /** What the Lambda context says is left of the invocation's time; 30 s (the construct's timeout) unless given. */
  readonly remainingTimeMs?: number;
  /** The test expects the role to deny calls (a state machine no longer watched); otherwise a denied call fails the test. */
  readonly expectAccessDenied?: boolean;
  /** The sweep's work bounds and quotas (page size, candidates per invocation, ...); the handler's defaults unless given. */
  readonly sweepLimits?: Partial<SweepLimits>;
}

/**
 * The handler as deployed: the construct synthesized with the given props, "deployed" to a fake AWS
 * on 127.0.0.1 (its schedule group, queue and the role's IAM policies, which the fake enforces), and
 * the handler built by the same function index.ts uses, from the environment the template gives it.
 * The real SDK clients find the fake through AWS_ENDPOINT_URL_*; Powertools logs and metrics are
 * read from what the handler prints.
 */
export async function startHandler(options: HarnessOptions = {}) {
  const fake = await FakeAws.start();
  // Outcome events on, as an on*() helper turns them on: most tests read them.
  const props = { backoff: Backoff.none(), outcomeEvents: true, ...propsFromPolicy(options.policy ?? {}), ...options.props };
  const deployment: FakeDeployment = deployToFake(autoRedriveTemplate(options.stateMachines ?? ['orders', 'payments'], props), fake, {});
  /** A deploy that changes the watched state machines: the role's policies change; the handler's environment, and so its warm containers, do not. */
  const redeploy = (stateMachines: string[]) => {
    fake.iam.reset();
    const next = deployToFake(autoRedriveTemplate(stateMachines, props), fake, {});
    if (JSON.stringify(next.environment) !== JSON.stringify(deployment.environment)) throw new Error('the redeploy changed the handler\'s environment');
  };
  const saved = { ...process.env };
  const environment: Record<string, string> = {
    ...deployment.environment,
    AWS_RETRY_MODE: options.retryMode ?? deployment.environment.AWS_RETRY_MODE,
    AWS_MAX_ATTEMPTS: String(options.maxAttempts ?? 3),
  };
  Object.assign(process.env, environment);

  const logs: LogLine[] = [];
  const emf: any[] = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.startsWith('{')) continue;
      const record = JSON.parse(line);
      if (record._aws) emf.push(record);
      else if (record.level) logs.push(record);
    }
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);

  const dependencies = dependenciesFromEnvironment(environment, {
    now: () => new Date(fake.clock.now()),
    random: options.random,
    timeouts: { connectionTimeout: 5_000, requestTimeout: options.requestTimeoutMs ?? 5_000 },
    tracing: options.tracing,
    sweepLimits: options.sweepLimits,
  });
  const handleTrigger = createTriggerHandler(dependencies);
  const handleBatch = createHandler(dependencies);
  /** One trigger, as one message of a batch is handled, with the invocation's deadline: its outcome, or the error that returns it to the queue. */
  const invoke = async (event: unknown, context: InvocationContext) => {
    const deadline = startDeadline(context);
    try {
      return await handleTrigger(event, context, deadline);
    } finally {
      deadline.end();
    }
  };
  let invocations = 0;
  const context = (remainingTimeMs = options.remainingTimeMs ?? 30_000): InvocationContext & object => {
    const endsAt = Date.now() + remainingTimeMs;
    return {
      invokedFunctionArn: deployment.handlerArn,
      awsRequestId: `request-${++invocations}`,
      functionName: deployment.handlerArn.split(':').pop(),
      functionVersion: '$LATEST',
      memoryLimitInMB: '256',
      getRemainingTimeInMillis: () => endsAt - Date.now(),
    } as InvocationContext;
  };
  /** One trigger: its outcome (a sweep's summary, for a sweep payload). */
  const handler = (event: unknown, remainingTimeMs?: number) => invoke(event, context(remainingTimeMs)) as Promise<Outcome>;
  /** The handler as the event source mapping invokes it: a batch of SQS records. */
  const receive = (batch: unknown, remainingTimeMs?: number) => handleBatch(batch, context(remainingTimeMs));
  if (!deployment.intake) throw new Error('the template has no intake queue and event source mapping');
  /** The intake queue's event source mapping, feeding `receive`. */
  const intake = new EventSourceMapping(fake, deployment.intake, (batch) => receive(batch));

  /** The recurring sweep schedule of the template (AWS::Scheduler::Schedule), if the sweep is on. */
  const sweepSchedule = (): any => Object.values<any>(autoRedriveTemplate(options.stateMachines ?? ['orders', 'payments'], props).Resources)
    .find((resource) => resource.Type === 'AWS::Scheduler::Schedule')?.Properties;
  /** What the sweep schedule delivers when it runs at `scheduledTime` (now, in whole seconds, unless told), as Scheduler fills it in. */
  const sweepPayload = (scheduledTime = new Date(Math.floor(fake.clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z')): any => {
    const schedule = sweepSchedule();
    if (!schedule) throw new Error('the construct has no sweep schedule');
    const refs = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
    const input: string = resolveIntrinsics(schedule.Target.Input, { refs, attributes: {} });
    return JSON.parse(input.split(SCHEDULED_TIME_PLACEHOLDER).join(scheduledTime));
  };
  return {
    fake,
    deployment,
    sweepSchedule,
    sweepPayload,
    /** Runs the sweep as its recurring schedule would at `scheduledTime`. */
    sweep: (scheduledTime?: string, remainingTimeMs?: number) =>
      invoke(sweepPayload(scheduledTime), context(remainingTimeMs)) as Promise<SweepSummary>,
    /** The construct's unique name: `service` in logs and metrics, `autoRedrive` in outcome events. */
    autoRedriveName: environment[ENV.NAME]!,
    handler,
    receive,
    redeploy,
    logs,
    /** The EMF records the handler printed. */
    emf,
    /** The outcome events it published. */
    published: () => fake.eventBridge.published,
    deadLetters: () => fake.sqs.bodies(deployment.deadLetterQueueUrl),
    /** The calls that change something: redrives, schedules, dead letters (not outcome events). */
    actions: () => fake.calls.filter((call) => ['RedriveExecution', 'CreateSchedule', 'SendMessage'].includes(call.operation)),
    /**
     * Sends a Step Functions event to the default bus: the handler is invoked when one of the
     * deployed rules matches it, as EventBridge would; undefined when none does.
     */
    deliver: async (event: unknown) => (fake.eventBridge.matchingRules(event).length > 0 ? handler(event) : undefined),
    /**
     * Handles every schedule that is due, as Scheduler then the intake would: ten at a time, as one
     * batch runs, so that a busy machine does not hold hundreds of requests past the SDK's timeout.
     */
    fireDueSchedules: async () => {
      const due = fake.scheduler.takeDue();
      const outcomes: Awaited<ReturnType<typeof handler>>[] = [];
      for (let start = 0; start < due.length; start += 10) {
        outcomes.push(...await Promise.all(due.slice(start, start + 10).map((schedule) => handler(JSON.parse(schedule.Target.Input!)))));
      }
      return outcomes;
    },
    intake,
    /** The intake queue's messages, in flight or not. */
    intakeMessages: () => fake.sqs.messagesOf(deployment.intake!.queueUrl),
    publish: deployment.publish,
    sendDueSchedules: deployment.sendDueSchedules,
    stop: async () => {
      stdout.mockRestore();
      stderr.mockRestore();
      process.env = saved;
      await fake.close();
      const denied = fake.iam.decisions.filter((decision) => !decision.allowed);
      if (!options.expectAccessDenied && denied.length > 0) {
        throw new Error(`the handler made calls its role does not grant:\n${denied.map((d) => `${d.action} ${d.resource}`).join('\n')}`);
      }
    },
  };
}

/** Construct props that give the handler `policy`. */
function propsFromPolicy(policy: Partial<HandlerPolicy>): Partial<AutoRedriveProps> {
  return {
    ...(policy.maxRedrives !== undefined ? { maxRedrives: policy.maxRedrives } : {}),
    ...(policy.dryRun !== undefined ? { dryRun: policy.dryRun } : {}),
    ...(policy.statuses ? { statuses: policy.statuses.map((status) => (RedrivableStatus as any)[status] as RedrivableStatus) } : {}),
    ...(policy.errorFilter ? { errorFilter: errorFilterOf(policy.errorFilter) } : {}),
    ...(policy.backoff ? { backoff: backoffOf(policy.backoff) } : {}),
  };
}

function errorFilterOf(spec: ErrorFilterSpec): ErrorFilter {
  switch (spec.mode) {
    case 'ALL':
      return ErrorFilter.all();
    case 'ALLOW_ONLY':
      return ErrorFilter.allowOnly(spec.patterns);
    case 'DENY':
      return ErrorFilter.deny(spec.patterns);
  }
}

function backoffOf(spec: BackoffSpec): Backoff {
  switch (spec.kind) {
    case 'NONE':
      return Backoff.none();
    case 'FIXED':
      return Backoff.fixed(Duration.seconds(spec.initialDelaySeconds));
    case 'EXPONENTIAL':
      return Backoff.exponential({
        initialDelay: Duration.seconds(spec.initialDelaySeconds),
        maxDelay: Duration.seconds(spec.maxDelaySeconds),
        multiplier: spec.multiplier,
        jitter: spec.jitter,
      });
  }
}
