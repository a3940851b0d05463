import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as fc from 'fast-check';
import { AutoRedrive, Backoff, ErrorFilter, RedrivableStatus } from '../../../src';
import { standardStateMachine } from '../../support/stacks';

/** Errors a user can act on: they name what is wrong. */
/**
 * A clear error names where it comes from: the construct, by its path, with its problems one a line; the factory
 * (Backoff.fixed(), ...) that refused its arguments; or aws-cdk-lib's Duration, refusing a negative amount.
 */
const CLEAR_ERROR = /Fuzz\/AutoRedrive[\s\S]*\n- |^Backoff\.(fixed|exponential)\(\)|^ErrorFilter\.(allowOnly|deny)\(\)|^Duration\b[\s\S]*negative/;

type MachineType = 'STANDARD' | 'EXPRESS' | 'ALIAS';

/** Mostly unset or valid, sometimes anything: most runs build, many still meet a bad value. */
function prop<T>(valid: fc.Arbitrary<T>, anything: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: valid, weight: 4 }, { arbitrary: anything, weight: 1 });
}

const anyNumber = fc.oneof(fc.integer({ min: -5, max: 1_200 }), fc.double(), fc.constantFrom(0, 1001, NaN, Infinity, -Infinity));
const anyDuration = fc.oneof(fc.integer({ min: -10, max: 30 * 86_400 }), fc.constantFrom(0, 14 * 86_400, 40 * 86_400));
const anyPattern = fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('**', ' x', '', 'a\u0007'));

const propsArbitrary = fc.record({
  machines: fc.oneof(
    { arbitrary: fc.array(fc.constant<MachineType>('STANDARD'), { minLength: 1, maxLength: 3 }), weight: 8 },
    { arbitrary: fc.array(fc.constantFrom<MachineType>('STANDARD', 'EXPRESS', 'ALIAS'), { maxLength: 3 }), weight: 1 },
  ),
  maxRedrives: prop(fc.integer({ min: 1, max: 1000 }), anyNumber),
  statuses: prop(fc.subarray([RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT, RedrivableStatus.ABORTED], { minLength: 1 }),
    fc.subarray([RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT, RedrivableStatus.ABORTED])),
  errorFilter: prop<{ kind: string; patterns: string[] }>(
    fc.record({ kind: fc.constantFrom('all', 'allowOnly', 'deny', 'allExceptUnfixable'), patterns: fc.array(fc.constantFrom('Lambda.*', 'Custom'), { minLength: 1 }) }),
    fc.record({ kind: fc.constantFrom('allowOnly', 'deny'), patterns: fc.array(anyPattern, { maxLength: 3 }) })),
  backoff: prop(
    fc.record({ kind: fc.constantFrom('none', 'fixed', 'exponential'), a: fc.integer({ min: 1, max: 86_400 }), b: fc.integer({ min: 86_400, max: 10 * 86_400 }), multiplier: fc.option(fc.double({ min: 1, max: 10, noNaN: true }), { nil: undefined }), jitter: fc.option(fc.boolean(), { nil: undefined }) }),
    fc.record({ kind: fc.constantFrom('none', 'fixed', 'exponential'), a: anyDuration, b: anyDuration, multiplier: fc.option(anyNumber, { nil: undefined }), jitter: fc.option(fc.boolean(), { nil: undefined }) })),
  reservedConcurrentExecutions: prop(fc.integer({ min: 1, max: 1000 }), anyNumber),
  maxConcurrency: prop(fc.integer({ min: 2, max: 1000 }), anyNumber),
  runtime: prop(fc.constant(lambda.Runtime.NODEJS_22_X), fc.constantFrom(lambda.Runtime.NODEJS_20_X, lambda.Runtime.PYTHON_3_12)),
  queue: fc.constantFrom('none', 'none', 'sqs-managed', 'key', 'kms-managed', 'queue-and-key'),
  metricsNamespace: prop(fc.constantFrom('Ops/Redrive', 'Team.Orders', 'x'), fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('AWS/States', ''))),
  dryRun: fc.option(fc.boolean(), { nil: undefined }),
  /** How the state machines are chosen: the list above, name prefixes, every state machine, or a mistake. */
  selection: fc.oneof(
    { arbitrary: fc.constant<Selection>({ kind: 'LIST' }), weight: 6 },
    { arbitrary: fc.record({ kind: fc.constant<'PREFIXES'>('PREFIXES'), prefixes: fc.array(fc.constantFrom('orders-', 'billing', 'orders-eu', 'x'), { minLength: 1, maxLength: 4 }) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant<'PREFIXES'>('PREFIXES'), prefixes: fc.array(fc.oneof(fc.string({ maxLength: 90 }), fc.constantFrom('', 'a b', 'a:b', 'x*')), { maxLength: 3 }) }), weight: 1 },
    { arbitrary: fc.constant<Selection>({ kind: 'ALL' }), weight: 1 },
    { arbitrary: fc.constant<Selection>({ kind: 'LIST_AND_ALL' }), weight: 1 },
  ),
  outcomeEvents: fc.option(fc.boolean(), { nil: undefined }),
  detailedMetrics: fc.option(fc.boolean(), { nil: undefined }),
});

type Selection = { kind: 'LIST' | 'ALL' | 'LIST_AND_ALL' } | { kind: 'PREFIXES'; prefixes: string[] };

type Fuzzed = typeof propsArbitrary extends fc.Arbitrary<infer T> ? T : never;

function build(p: Fuzzed): Stack {
  const stack = new Stack(new App(), 'Fuzz');
  const listed = ['LIST', 'LIST_AND_ALL'].includes(p.selection.kind);
  // Only a list brings state machines into the stack: the checks below read the stack's Express ones as watched.
  const stateMachines = (listed ? p.machines : []).map((type, i) => type === 'ALIAS'
    ? sfn.StateMachine.fromStateMachineArn(stack, `M${i}`, `arn:aws:states:us-east-1:123456789012:stateMachine:m${i}:prod`)
    : standardStateMachine(stack, `M${i}`, { stateMachineType: sfn.StateMachineType[type] }));
  const errorFilter = p.errorFilter && (p.errorFilter.kind === 'all' ? ErrorFilter.all() : p.errorFilter.kind === 'allExceptUnfixable'
    ? ErrorFilter.allExceptUnfixable() : ErrorFilter[p.errorFilter.kind as 'allowOnly' | 'deny'](p.errorFilter.patterns));
  const backoff = p.backoff && (p.backoff.kind === 'none' ? Backoff.none() : p.backoff.kind === 'fixed' ? Backoff.fixed(Duration.seconds(p.backoff.a))
    : Backoff.exponential({
      initialDelay: Duration.seconds(p.backoff.a),
      maxDelay: Duration.seconds(p.backoff.b),
      multiplier: p.backoff.multiplier,
      jitter: p.backoff.jitter,
    }));
  const key = ['key', 'queue-and-key'].includes(p.queue) ? new kms.Key(stack, 'Key') : undefined;
  const queue = ['sqs-managed', 'kms-managed', 'queue-and-key'].includes(p.queue)
    ? new sqs.Queue(stack, 'Dlq', { encryption: p.queue === 'kms-managed' ? sqs.QueueEncryption.KMS_MANAGED : sqs.QueueEncryption.SQS_MANAGED })
    : undefined;
  const selection = p.selection;
  new AutoRedrive(stack, 'AutoRedrive', {
    stateMachines: listed ? stateMachines : undefined,
    stateMachineNamePrefixes: selection.kind === 'PREFIXES' ? selection.prefixes : undefined,
    allStateMachines: ['ALL', 'LIST_AND_ALL'].includes(selection.kind) ? true : undefined,
    outcomeEvents: p.outcomeEvents,
    detailedMetrics: p.detailedMetrics,
    maxRedrives: p.maxRedrives,
    statuses: p.statuses,
    errorFilter,
    backoff,
    reservedConcurrentExecutions: p.reservedConcurrentExecutions,
    maxConcurrency: p.maxConcurrency,
    runtime: p.runtime,
    deadLetterQueue: queue,
    encryptionKey: key,
    metricsNamespace: p.metricsNamespace,
    dryRun: p.dryRun,
  });
  return stack;
}

/** What CloudFormation, Lambda, EventBridge and Scheduler would refuse at deploy time. */
function deployProblems(stack: Stack): string[] {
  const template = stack.resolve((stack as any)._toCloudFormation());
  const problems: string[] = [];
  for (const [id, resource] of Object.entries<any>(template.Resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::Function' && id.startsWith('AutoRedriveHandler')) {
      const reserved = props.ReservedConcurrentExecutions;
      if (reserved !== undefined && !(Number.isInteger(reserved) && reserved >= 1)) problems.push(`reserved concurrency ${reserved}`);
      const variables = props.Environment.Variables;
      const size = Object.entries<any>(variables).reduce((sum, [k, v]) => sum + k.length + (typeof v === 'string' ? v.length : 200), 0);
      if (size > 4096) problems.push(`environment of ${size} bytes`);
      const policy = JSON.parse(variables.AUTO_REDRIVE_POLICY);
      if (!(Number.isInteger(policy.maxRedrives) && policy.maxRedrives >= 1 && policy.maxRedrives <= 1000)) problems.push(`maxRedrives ${policy.maxRedrives}`);
      if (policy.statuses.length === 0) problems.push('no statuses');
      const b = policy.backoff;
      const finite = [b.initialDelaySeconds, b.maxDelaySeconds, b.multiplier].every(Number.isFinite);
      if (!finite || b.initialDelaySeconds > b.maxDelaySeconds || b.multiplier < 1) {
        problems.push(`backoff ${JSON.stringify(b)}`);
      }
      if (!/^nodejs(2[2-9]|[3-9]\d)\.x$/.test(props.Runtime)) problems.push(`runtime ${props.Runtime}`);
      if (!/^[0-9A-Za-z.\-_/#:]{1,255}$/.test(variables.POWERTOOLS_METRICS_NAMESPACE) || variables.POWERTOOLS_METRICS_NAMESPACE.startsWith('AWS/')) {
        problems.push(`namespace ${variables.POWERTOOLS_METRICS_NAMESPACE}`);
      }
    }
    if (resource.Type === 'AWS::Events::Rule' && props.Name && props.Name.length > 64) problems.push(`rule name ${props.Name}`);
    if (resource.Type === 'AWS::Events::Rule' && props.EventPattern?.detail?.stateMachineArn?.length === 0) problems.push('empty state machine list');
    if (resource.Type === 'AWS::Events::Rule') {
      // A prefix matcher ends in a name prefix that keeps Step Functions' naming rules, or in `stateMachine:` for every state machine.
      const prefixes = (props.EventPattern?.detail?.stateMachineArn ?? []).filter((m: any) => m && typeof m === 'object' && 'prefix' in m);
      for (const { prefix } of prefixes) {
        const tail = String(prefix['Fn::Join'][1].at(-1)).split(':stateMachine:')[1];
        if (tail === undefined || /[\s*:/?]/.test(tail) || tail.length > 80) problems.push(`prefix ${JSON.stringify(prefix)}`);
      }
    }
    if (resource.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(props.PolicyDocument).length > 6144) problems.push('a redrive policy past 6,144 characters');
    if (resource.Type === 'AWS::Events::Rule') {
      const qualified = (props.EventPattern?.detail?.stateMachineArn ?? []).filter((arn: unknown) => typeof arn === 'string' && arn.split(':').length > 7);
      if (qualified.length > 0) problems.push(`an alias or version ARN is watched: ${qualified}`);
    }
    if (resource.Type === 'AWS::Scheduler::ScheduleGroup' && !/^[0-9a-zA-Z-_.]{1,64}$/.test(props.Name)) problems.push(`group ${props.Name}`);
    if (resource.Type === 'AWS::StepFunctions::StateMachine' && props.StateMachineType === 'EXPRESS') problems.push('an Express state machine is watched');
    if (resource.Type === 'AWS::SQS::Queue' && props.KmsMasterKeyId === 'alias/aws/sqs') problems.push('DLQ on aws/sqs');
    if (resource.Type === 'AWS::Lambda::EventSourceMapping') {
      const cap = props.ScalingConfig?.MaximumConcurrency;
      if (!(Number.isInteger(cap) && cap >= 2 && cap <= 1000)) problems.push(`maximum concurrency ${cap}`);
      if (!(Number.isInteger(props.BatchSize) && props.BatchSize >= 1 && props.BatchSize <= 10)) problems.push(`batch size ${props.BatchSize} without a batching window`);
    }
  }
  return problems;
}

test('every combination of props either fails with a clear error or gives a template that would deploy', () => {
  let built = 0;
  let refused = 0;
  fc.assert(fc.property(propsArbitrary, (p) => {
    let stack: Stack;
    try {
      stack = build(p);
    } catch (error) {
      refused++;
      expect((error as Error).message).toMatch(CLEAR_ERROR);
      return;
    }
    built++;
    expect(deployProblems(stack)).toEqual([]);
  }), { numRuns: 300 });
  expect(built).toBeGreaterThan(10);
  expect(refused).toBeGreaterThan(10);
});
