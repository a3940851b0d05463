import { Annotations, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AutoRedriveProps } from '../auto-redrive-props';
import { Backoff } from '../backoff';
import { RedrivableStatus } from '../redrivable-status';
import { MAX_MANAGED_POLICIES_PER_ROLE, MAX_MANAGED_POLICIES_PER_ROLE_WITH_INCREASE } from './deploy-limits';
import { executionResources } from './execution-policies';
import { MIN_NODE_MAJOR, nodeMajor } from './node-runtime';
import { redrivePolicyGroups } from './redrive-policy-groups';
import { selectionOf } from './selection';
import { BackoffSpec, DEFAULT_MAX_CONCURRENCY } from '../shared/contract';
import { Sweep } from '../sweep';
import { WatchedStateMachine, watchStateMachines } from './watched-state-machine';
import {
  MAX_MANAGED_POLICY_LENGTH, MAX_MAX_CONCURRENCY, MAX_REDRIVES_LIMIT, MIN_MAX_CONCURRENCY, MAX_STATE_MACHINE_NAME_LENGTH, REDRIVE_WINDOW_MS,
} from '../shared/limits';
import { nameProblem } from '../shared/names';

interface Warning {
  readonly id: string;
  readonly message: string;
}

/** What validation found: problems make the props invalid; warnings are worth a look. */
interface Findings {
  readonly problems: string[];
  readonly warnings: Warning[];
}

const WARNING_PREFIX = 'cdk-stepfunctions-redrive';
const REDRIVE_WINDOW_DAYS = REDRIVE_WINDOW_MS / (24 * 60 * 60 * 1000);

/**
 * Checks every prop that was given, collecting every problem before throwing one error that lists
 * them. Values that are tokens are checked only as far as synth time knows them. Warnings are
 * added to the construct's annotations when the props are valid.
 */
export function validateProps(scope: Construct, props: AutoRedriveProps): void {
  const findings: Findings = { problems: [], warnings: [] };
  checkSelection(scope, props, findings);
  if (props.maxRedrives !== undefined) {
    checkInteger(findings, 'maxRedrives', props.maxRedrives, 1, MAX_REDRIVES_LIMIT);
  }
  if (props.maxConcurrency !== undefined) {
    checkInteger(findings, 'maxConcurrency', props.maxConcurrency, MIN_MAX_CONCURRENCY, MAX_MAX_CONCURRENCY);
  }
  if (props.reservedConcurrentExecutions !== undefined) {
    checkInteger(findings, 'reservedConcurrentExecutions', props.reservedConcurrentExecutions, 1, Number.MAX_SAFE_INTEGER);
    checkReservationCoversMapping(props.reservedConcurrentExecutions, props.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY, findings);
  }
  if (props.statuses !== undefined) checkStatuses(props.statuses, findings);
  if (props.runtime !== undefined) checkRuntime(props.runtime, findings);
  checkDeadLetterQueue(props, findings);
  if (props.metricsNamespace !== undefined) checkMetricsNamespace(props.metricsNamespace, findings);
  if (props.backoff !== undefined) checkBackoff(props.backoff, findings);
  if (props.sweep !== undefined && !(props.sweep instanceof Sweep)) findings.problems.push('sweep must be made with Sweep.every() or Sweep.off()');

  if (findings.problems.length > 0) {
    throw new Error(`AutoRedrive ${scope.node.path}: invalid props:\n- ${findings.problems.join('\n- ')}`);
  }
  for (const { id, message } of findings.warnings) {
    Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}:${id}`, message);
  }
}

/**
 * Exactly one of the three selection props, each valid, and what it selects within the managed
 * policies IAM attaches to one role.
 */
function checkSelection(scope: Construct, props: AutoRedriveProps, findings: Findings): void {
  const before = findings.problems.length;
  const given = [
    props.stateMachines !== undefined ? 'stateMachines' : undefined,
    props.stateMachineNamePrefixes !== undefined ? 'stateMachineNamePrefixes' : undefined,
    props.allStateMachines === true ? 'allStateMachines' : undefined,
  ].filter((name): name is string => name !== undefined);
  if (given.length === 0) {
    findings.problems.push('choose the state machines to watch with one of stateMachines, stateMachineNamePrefixes or allStateMachines: true; none was given');
  } else if (given.length > 1) {
    findings.problems.push(`choose the state machines to watch with exactly one of stateMachines, stateMachineNamePrefixes and allStateMachines: true; ${given.join(' and ')} were given`);
  }
  if (props.stateMachines !== undefined) checkStateMachines(scope, props.stateMachines, findings);
  if (props.stateMachineNamePrefixes !== undefined) checkNamePrefixes(props.stateMachineNamePrefixes, findings);
  if (findings.problems.length === before) checkManagedPolicies(scope, props, findings);
}

function checkStateMachines(scope: Construct, stateMachines: sfn.IStateMachine[], findings: Findings): void {
  if (!Array.isArray(stateMachines) || stateMachines.length === 0) {
    findings.problems.push('stateMachines must name at least one Standard state machine');
    return;
  }
  const stack = Stack.of(scope);
  for (const machine of watchStateMachines(stateMachines)) {
    const path = machine.stateMachine.node.path;
    if (machine.isExpress) {
      findings.problems.push(`stateMachines: ${path} is an EXPRESS state machine; Step Functions redrives Standard executions only`);
    }
    if (machine.qualifier !== undefined) {
      findings.problems.push(`stateMachines: ${path} is the ARN of the alias or version ${JSON.stringify(machine.qualifier)} of ` +
        `${JSON.stringify(machine.name)} (${machine.arn}); pass the state machine itself: executions, their ARNs and their events ` +
        'are named after the state machine, so nothing would match the alias or version');
    } else if (!Token.isUnresolved(machine.name)) {
      const problem = nameProblem(machine.name);
      if (problem) findings.problems.push(`stateMachines: ${path}: the name ${JSON.stringify(machine.name)} ${problem}`);
    }
    checkEnvironment(machine, stack, findings);
  }
}

function checkNamePrefixes(prefixes: string[], findings: Findings): void {
  if (!Array.isArray(prefixes) || Token.isUnresolved(prefixes)) {
    findings.problems.push('stateMachineNamePrefixes must be a list known at synth time: the rules and the IAM policies are written with the prefixes');
    return;
  }
  if (prefixes.length === 0) {
    findings.problems.push('stateMachineNamePrefixes must name at least one prefix (allStateMachines: true watches every state machine)');
    return;
  }
  prefixes.forEach((prefix, index) => {
    if (typeof prefix !== 'string') {
      findings.problems.push(`stateMachineNamePrefixes[${index}] must be a string, got ${JSON.stringify(prefix)}`);
    } else if (Token.isUnresolved(prefix)) {
      findings.problems.push(`stateMachineNamePrefixes[${index}] is a token, known only at deploy time; a prefix must be known at synth time: ` +
        'the rules and the IAM policies are written with it');
    } else {
      const problem = nameProblem(prefix, MAX_STATE_MACHINE_NAME_LENGTH);
      const hint = prefix.length === 0 ? ' (allStateMachines: true watches every state machine)' : '';
      if (problem) findings.problems.push(`stateMachineNamePrefixes[${index}]: the prefix ${JSON.stringify(prefix)} ${problem}${hint}`);
    }
  });
}

/**
 * The redrive policies must fit the managed policies IAM attaches to the handler's role: 10 by
 * default. With the sizing of execution-policies.ts (every ARN sized for the longest partition,
 * Region and name it could resolve to; 5,944 of each policy's 6,144 characters for ARNs), 10
 * policies hold:
 * - 390 state machines whose names are unknown at synth time (CDK-generated names) or 80
 *   characters long: 39 per policy;
 * - 650 with 20-character names known at synth time and ARNs resolved at deploy time
 *   (`stateMachineName`, `fromStateMachineName`): 65 per policy;
 * - 780 imported by concrete ARNs with 20-character names (`arn:aws:states:us-east-1:...`): 78 per policy.
 * IAM itself would take 41 of the longest real execution ARNs (partition `aws-iso-f`, Region
 * `us-isof-south-1`, 80-character names) per policy, 410 in all, and 82 (820) with 20-character
 * names in `aws`/`us-east-1`: the sizing costs 5% of the ceiling at the worst.
 * These are the ceilings with the sweep off. With it on, each state machine's ARN is also granted
 * ListExecutions in the same policies, which about halves them: 190 with 80-character names.
 */
function checkManagedPolicies(scope: Construct, props: AutoRedriveProps, findings: Findings): void {
  const selection = selectionOf(props);
  const sweep = props.sweep?.enabled ?? true;
  const needed = redrivePolicyGroups(executionResources(Stack.of(scope), selection, sweep)).length;
  if (needed <= MAX_MANAGED_POLICIES_PER_ROLE) return;
  const limit = `IAM allows ${MAX_MANAGED_POLICY_LENGTH.toLocaleString('en-US')} characters per managed policy and attaches at most ` +
    `${MAX_MANAGED_POLICIES_PER_ROLE} managed policies to one role by default (${MAX_MANAGED_POLICIES_PER_ROLE_WITH_INCREASE} at most with a quota increase)`;
  if (selection.kind === 'LIST') {
    findings.problems.push(`stateMachines: ${selection.stateMachines.length} state machines need ${needed} customer managed policies to allow ` +
      `RedriveExecution and DescribeExecution on their executions${sweep ? ' and the sweep\'s ListExecutions on the state machines' : ''}, and ${limit}. ` +
      'Use stateMachineNamePrefixes instead: one policy entry per prefix, whatever the number of state machines, including ones created ' +
      'later; or split the state machines between several AutoRedrive constructs' +
      (sweep ? '; or turn the sweep off (sweep: Sweep.off()), which halves the room each state machine takes' : ''));
  } else if (selection.kind === 'PREFIXES') {
    findings.problems.push(`stateMachineNamePrefixes: ${selection.namePrefixes.length} prefixes need ${needed} customer managed policies to allow ` +
      `RedriveExecution and DescribeExecution on their executions, and ${limit}. Use fewer, shorter prefixes`);
  }
}

/**
 * The rules and the IAM grants only match state machines in the stack's own account and Region:
 * an error when the state machine is known to be elsewhere, a warning when that cannot be told at
 * synth time.
 */
function checkEnvironment(machine: WatchedStateMachine, stack: Stack, findings: Findings): void {
  const { account, region } = machine.stateMachine.env;
  const comparisons = [compare(account, stack.account), compare(region, stack.region)];
  const path = machine.stateMachine.node.path;
  if (comparisons.includes(TokenComparison.DIFFERENT)) {
    findings.problems.push(`stateMachines: ${path} is in ${account}/${region}, not in the stack's account and Region (${stack.account}/${stack.region})`);
  } else if (comparisons.some((comparison) => comparison !== TokenComparison.SAME)) {
    findings.warnings.push({
      id: 'ImportedStateMachineEnvironment',
      message: `stateMachines: ${path} is in account ${shown(account)} and Region ${shown(region)}, and the stack in account ` +
        `${shown(stack.account)} and Region ${shown(stack.region)}, which cannot be compared at synth time. The rule and the IAM ` +
        'grants only match executions in the stack\'s own account and Region: if the state machine is elsewhere, its failed ' +
        'executions are never redriven. Give the stack an explicit env, or import the state machine from a concrete ARN, to have this checked.',
    });
  }
}

/** Like `Token.compareStrings`, with the same token (the stack's own account, say) the same. */
function compare(a: string, b: string): TokenComparison {
  return a === b ? TokenComparison.SAME : Token.compareStrings(a, b);
}

function shown(value: string): string {
  return Token.isUnresolved(value) ? '(known at deploy time)' : value;
}

function checkStatuses(statuses: RedrivableStatus[], findings: Findings): void {
  if (!Array.isArray(statuses) || statuses.length === 0) {
    findings.problems.push('statuses must name at least one RedrivableStatus');
    return;
  }
  const known = [RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT, RedrivableStatus.ABORTED];
  if (statuses.some((status) => !known.includes(status))) {
    findings.problems.push('statuses may only hold RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT and RedrivableStatus.ABORTED');
  }
}

function checkInteger(findings: Findings, name: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
    findings.problems.push(`${name} must be a whole number ${range}, got ${value}`);
  }
}

/** A reservation below the mapping's cap makes Lambda throttle the mapping's invocations: each throttle costs a receive. */
function checkReservationCoversMapping(reserved: number, maxConcurrency: number, findings: Findings): void {
  if (Token.isUnresolved(reserved) || Token.isUnresolved(maxConcurrency) || reserved >= maxConcurrency) return;
  findings.warnings.push({
    id: 'ReservedBelowMaxConcurrency',
    message: `reservedConcurrentExecutions (${reserved}) is below maxConcurrency (${maxConcurrency}): Lambda throttles the intake's ` +
      'invocations beyond the reservation, and each throttled batch counts a receive of its messages toward the dead-letter queue',
  });
}

function checkRuntime(runtime: lambda.Runtime, findings: Findings): void {
  const major = nodeMajor(runtime);
  if (major === undefined || major < MIN_NODE_MAJOR) {
    findings.problems.push(`runtime must be Node.js ${MIN_NODE_MAJOR} or later, got ${runtime.name}`);
  }
}

function checkDeadLetterQueue(props: AutoRedriveProps, findings: Findings): void {
  if (props.deadLetterQueue instanceof sqs.Queue && props.deadLetterQueue.encryptionType === sqs.QueueEncryption.KMS_MANAGED) {
    findings.problems.push('deadLetterQueue is encrypted with the AWS managed key aws/sqs, which EventBridge cannot use; use SSE-SQS or a customer managed key');
  }
}

/**
 * A delayed redrive whose schedule could not be delivered is found again by the sweep only while its
 * failure is inside the look-back: warn when the backoff's longest delay is longer.
 */
export function warnWhenBackoffOutlastsLookBack(scope: Construct, backoff: BackoffSpec, sweep: Sweep): void {
  const lookBackSeconds = sweep.lookBack?.toSeconds();
  const known = sweep.enabled && lookBackSeconds !== undefined && !Token.isUnresolved(backoff.maxDelaySeconds);
  if (!known || backoff.maxDelaySeconds <= lookBackSeconds) return;
  Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}:BackoffBeyondSweepLookBack`,
    `the backoff's longest delay (${backoff.maxDelaySeconds} s) is longer than the sweep's look-back (${lookBackSeconds} s): ` +
    'a delayed redrive whose schedule could not be delivered is found again by the sweep only while its failure is inside the look-back. ' +
    'Give Sweep.every() a lookBack of at least the longest delay.');
}

function checkMetricsNamespace(namespace: string, findings: Findings): void {
  if (Token.isUnresolved(namespace)) return;
  if (!/^[0-9A-Za-z.\-_/#:]{1,255}$/.test(namespace) || namespace.startsWith('AWS/')) {
    findings.problems.push(`metricsNamespace must be 1 to 255 of 0-9 A-Z a-z . - _ / # : and not start with AWS/, got ${JSON.stringify(namespace)}`);
  }
}

function checkBackoff(backoff: Backoff, findings: Findings): void {
  const { maxDelaySeconds } = backoff._toSpec();
  if (!Token.isUnresolved(maxDelaySeconds) && maxDelaySeconds * 1000 >= REDRIVE_WINDOW_MS) {
    findings.warnings.push({
      id: 'MaxDelayBeyondWindow',
      message: `backoff maxDelay (${maxDelaySeconds} s) is longer than the ${REDRIVE_WINDOW_DAYS}-day redrive window: longer delays are shortened to fit in it`,
    });
  }
}
