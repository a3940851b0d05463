import { Annotations, Duration, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AutoRedriveProps } from '../auto-redrive-props';
import { Backoff } from '../backoff';
import { ErrorFilter } from '../error-filter';
import { RedrivableStatus } from '../redrivable-status';
import { DEFAULT_METRICS_NAMESPACE, HandlerPolicy } from '../shared/contract';
import { MAX_REDRIVES_LIMIT, REDRIVE_WINDOW_MS } from '../shared/limits';
import { describeWatchedStateMachine, WatchedStateMachine } from './watched-state-machine';

/** AutoRedriveProps with every default applied and every value checked. */
export interface ResolvedProps {
  readonly stateMachines: WatchedStateMachine[];
  readonly policy: HandlerPolicy;
  readonly deadLetterQueue?: sqs.IQueue;
  readonly deadLetterQueueEncryptionKey?: kms.IKey;
  readonly runtime: lambda.Runtime;
  readonly reservedConcurrentExecutions: number;
  readonly logRetention: logs.RetentionDays;
  readonly metricsNamespace: string;
  readonly alarms: boolean;
  readonly dashboard: boolean;
  readonly tracing: boolean;
}

const DEFAULT_MAX_REDRIVES = 3;
const DEFAULT_BACKOFF = () => Backoff.exponential({ initialDelay: Duration.minutes(1), maxDelay: Duration.hours(1) });
export const DEFAULT_RESERVED_CONCURRENCY = 10;
const MIN_NODE_MAJOR = 22;

/**
 * Applies defaults and checks every prop, collecting all problems before throwing one error that
 * lists them.
 */
export function resolveProps(scope: Construct, props: AutoRedriveProps): ResolvedProps {
  const problems: string[] = [];
  const stateMachines = checkStateMachines(scope, props, problems);
  const maxRedrives = props.maxRedrives ?? DEFAULT_MAX_REDRIVES;
  checkInteger(problems, 'maxRedrives', maxRedrives, 1, MAX_REDRIVES_LIMIT);
  const reservedConcurrentExecutions = props.reservedConcurrentExecutions ?? DEFAULT_RESERVED_CONCURRENCY;
  checkInteger(problems, 'reservedConcurrentExecutions', reservedConcurrentExecutions, 1, Number.MAX_SAFE_INTEGER);
  const statuses = checkStatuses(props.statuses, problems);
  const runtime = props.runtime ?? latestNodeRuntime();
  checkRuntime(runtime, problems);
  checkDeadLetterQueue(props, problems);
  const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
  checkMetricsNamespace(metricsNamespace, problems);

  if (problems.length > 0) {
    throw new Error(`AutoRedrive ${scope.node.path}: invalid props:\n- ${problems.join('\n- ')}`);
  }
  const backoff = (props.backoff ?? DEFAULT_BACKOFF())._toSpec();
  if (backoff.maxDelaySeconds * 1000 >= REDRIVE_WINDOW_MS) {
    Annotations.of(scope).addWarningV2('cdk-stepfunctions-redrive:MaxDelayBeyondWindow',
      `backoff maxDelay (${backoff.maxDelaySeconds} s) is longer than the 14-day redrive window: longer delays are shortened to fit in it`);
  }
  return {
    stateMachines,
    policy: {
      maxRedrives,
      statuses,
      errorFilter: (props.errorFilter ?? ErrorFilter.allExceptUnfixable())._toSpec(),
      backoff,
      dryRun: props.dryRun ?? false,
    },
    deadLetterQueue: props.deadLetterQueue,
    deadLetterQueueEncryptionKey: props.deadLetterQueueEncryptionKey,
    runtime,
    reservedConcurrentExecutions,
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    metricsNamespace,
    alarms: props.alarms ?? true,
    dashboard: props.dashboard ?? false,
    tracing: props.tracing ?? false,
  };
}

function checkStateMachines(scope: Construct, props: AutoRedriveProps, problems: string[]): WatchedStateMachine[] {
  if (!Array.isArray(props.stateMachines) || props.stateMachines.length === 0) {
    problems.push('stateMachines must name at least one Standard state machine');
    return [];
  }
  const stack = Stack.of(scope);
  const unique = [...new Set(props.stateMachines)];
  const watched = unique.map(describeWatchedStateMachine);
  for (const machine of watched) {
    const path = machine.stateMachine.node.path;
    if (machine.isExpress) {
      problems.push(`stateMachines: ${path} is an EXPRESS state machine; Step Functions redrives Standard executions only`);
    }
    const env = machine.stateMachine.env;
    if (Token.compareStrings(env.account, stack.account) === TokenComparison.DIFFERENT ||
        Token.compareStrings(env.region, stack.region) === TokenComparison.DIFFERENT) {
      problems.push(`stateMachines: ${path} is in ${env.account}/${env.region}, not in the stack's account and Region (${stack.account}/${stack.region})`);
    }
  }
  return watched;
}

function checkStatuses(statuses: RedrivableStatus[] | undefined, problems: string[]): string[] {
  if (statuses === undefined) return [RedrivableStatus.FAILED.value, RedrivableStatus.TIMED_OUT.value];
  if (!Array.isArray(statuses) || statuses.length === 0) {
    problems.push('statuses must name at least one RedrivableStatus');
    return [];
  }
  const known = [RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT, RedrivableStatus.ABORTED];
  if (statuses.some((status) => !known.includes(status))) {
    problems.push('statuses may only hold RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT and RedrivableStatus.ABORTED');
  }
  return [...new Set(statuses.map((status) => status.value))];
}

function checkInteger(problems: string[], name: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
    problems.push(`${name} must be a whole number ${range}, got ${value}`);
  }
}

function nodeMajor(runtime: lambda.Runtime): number | undefined {
  const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  return runtime.family === lambda.RuntimeFamily.NODEJS && major !== undefined ? Number(major) : undefined;
}

function checkRuntime(runtime: lambda.Runtime, problems: string[]): void {
  const major = nodeMajor(runtime);
  if (major === undefined || major < MIN_NODE_MAJOR) {
    problems.push(`runtime must be Node.js ${MIN_NODE_MAJOR} or later, got ${runtime.name}`);
  }
}

/**
 * The newest Node.js runtime the installed aws-cdk-lib knows: Node.js 22 with the lowest supported
 * aws-cdk-lib, a newer one as aws-cdk-lib learns it, so that cdk-nag's latest-runtime rule holds.
 */
function latestNodeRuntime(): lambda.Runtime {
  const newer = (a: lambda.Runtime, b: lambda.Runtime) => (nodeMajor(b) ?? 0) > (nodeMajor(a) ?? 0) ? b : a;
  return lambda.Runtime.ALL.reduce(newer, lambda.Runtime.NODEJS_22_X);
}

function checkDeadLetterQueue(props: AutoRedriveProps, problems: string[]): void {
  if (props.deadLetterQueue && props.deadLetterQueueEncryptionKey) {
    problems.push('deadLetterQueueEncryptionKey applies to the queue the construct creates; encrypt your own deadLetterQueue yourself');
  }
  if (props.deadLetterQueue instanceof sqs.Queue && props.deadLetterQueue.encryptionType === sqs.QueueEncryption.KMS_MANAGED) {
    problems.push('deadLetterQueue is encrypted with the AWS managed key aws/sqs, which EventBridge cannot use; use SSE-SQS or a customer managed key');
  }
}

function checkMetricsNamespace(namespace: string, problems: string[]): void {
  if (Token.isUnresolved(namespace)) return;
  if (!/^[0-9A-Za-z.\-_/#:]{1,255}$/.test(namespace) || namespace.startsWith('AWS/')) {
    problems.push(`metricsNamespace must be 1 to 255 of 0-9 A-Z a-z . - _ / # : and not start with AWS/, got ${JSON.stringify(namespace)}`);
  }
}
