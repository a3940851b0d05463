import { Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AutoRedriveProps } from '../auto-redrive-props';
import { Backoff } from '../backoff';
import { RedrivableStatus } from '../redrivable-status';
import { MAX_MANAGED_POLICIES_PER_ROLE, MAX_MANAGED_POLICIES_PER_ROLE_WITH_INCREASE } from './deploy-limits';
import { MIN_NODE_MAJOR, nodeMajor } from './node-runtime';
import { redrivePolicyGroups } from './redrive-policy-groups';
import { Selection } from './selection';
import { addWarning, Warning } from './warnings';
import { BackoffSpec, DEFAULT_MAX_CONCURRENCY } from '../shared/contract';
import {
  MAX_MANAGED_POLICY_LENGTH, MAX_MAX_CONCURRENCY, MAX_REDRIVES_LIMIT, MIN_MAX_CONCURRENCY, REDRIVE_WINDOW_SECONDS,
} from '../shared/limits';
import { Sweep } from '../sweep';

/** What validation found: problems make the props invalid; warnings are worth a look. */
interface Findings {
  readonly problems: string[];
  readonly warnings: Warning[];
}

/**
 * Checks every prop that was given, reading the selection and the sweep as resolved from them,
 * collecting every problem before throwing one error that lists them. Values that are tokens are
 * checked only as far as synth time knows them. Warnings are added to the construct's annotations
 * when the props are valid.
 *
 * @param selections the selection each selection prop given makes: exactly one is valid
 * @param sweep the sweep, the default one when none is given
 */
export function validateProps(scope: Construct, props: AutoRedriveProps, selections: Selection[], sweep: Sweep): void {
  const findings: Findings = { problems: [], warnings: [] };
  checkSelection(selections, sweep, findings);
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
  if (props.sweep !== undefined && !Sweep.isSweep(props.sweep)) findings.problems.push('sweep must be made with Sweep.every() or Sweep.off()');
  if (props.logGroup !== undefined && props.logRetention !== undefined) {
    findings.problems.push('give logGroup or logRetention, not both: logRetention applies to the log group the construct creates; set the retention on your own log group instead');
  }

  if (findings.problems.length > 0) {
    throw new Error(`AutoRedrive ${scope.node.path}: invalid props:\n- ${findings.problems.join('\n- ')}`);
  }
  for (const { id, message } of findings.warnings) addWarning(scope, id, message);
}

/**
 * Exactly one of the three selection props, each valid, and what it selects within the managed
 * policies IAM attaches to one role.
 */
function checkSelection(selections: Selection[], sweep: Sweep, findings: Findings): void {
  const before = findings.problems.length;
  if (selections.length === 0) {
    findings.problems.push('choose the state machines to watch with one of stateMachines, stateMachineNamePrefixes or allStateMachines: true; none was given');
  } else if (selections.length > 1) {
    findings.problems.push('choose the state machines to watch with exactly one of stateMachines, stateMachineNamePrefixes and allStateMachines: true; ' +
      `${selections.map((selection) => selection.propName).join(' and ')} were given`);
  }
  for (const selection of selections) {
    findings.problems.push(...selection.problems);
    findings.warnings.push(...selection.warnings);
  }
  if (findings.problems.length === before) checkManagedPolicies(selections[0], sweep.enabled, findings);
}

/**
 * The redrive policies must fit the managed policies IAM attaches to the handler's role: 10 by
 * default. With the sizing of the selection's execution resources (every ARN sized for the longest
 * partition, Region and name it could resolve to; 5,944 of each policy's 6,144 characters for
 * ARNs), 10 policies hold:
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
function checkManagedPolicies(selection: Selection, sweep: boolean, findings: Findings): void {
  const needed = redrivePolicyGroups(selection.executionResources(sweep)).length;
  if (needed <= MAX_MANAGED_POLICIES_PER_ROLE) return;
  const limit = `IAM allows ${MAX_MANAGED_POLICY_LENGTH.toLocaleString('en-US')} characters per managed policy and attaches at most ` +
    `${MAX_MANAGED_POLICIES_PER_ROLE} managed policies to one role by default (${MAX_MANAGED_POLICIES_PER_ROLE_WITH_INCREASE} at most with a quota increase)`;
  const problem = selection.tooManyPoliciesProblem(needed, limit, sweep);
  if (problem !== undefined) findings.problems.push(problem);
}

function checkStatuses(statuses: RedrivableStatus[], findings: Findings): void {
  if (!Array.isArray(statuses) || statuses.length === 0) {
    findings.problems.push('statuses must name at least one RedrivableStatus');
    return;
  }
  // By value: a status of another installed copy of the library is another object.
  const known = [RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT, RedrivableStatus.ABORTED].map((status) => status.value);
  if (statuses.some((status) => !known.includes(status?.value))) {
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
  addWarning(scope, 'BackoffBeyondSweepLookBack',
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
  if (!Token.isUnresolved(maxDelaySeconds) && maxDelaySeconds >= REDRIVE_WINDOW_SECONDS) {
    findings.warnings.push({
      id: 'MaxDelayBeyondWindow',
      message: `backoff maxDelay (${maxDelaySeconds} s) is longer than the ${Duration.seconds(REDRIVE_WINDOW_SECONDS).toDays()}-day redrive window: ` +
        'longer delays are shortened to fit in it',
    });
  }
}
