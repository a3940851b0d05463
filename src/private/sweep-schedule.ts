import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DelayedRedrives } from './delayed-redrives';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { Selection } from './selection';
import { LIBRARY_SOURCE, SCHEDULED_TIME_PLACEHOLDER, SWEEP_DETAIL_TYPE, SweepPayload } from '../shared/contract';
import { MAX_DELIVERY_EVENT_AGE_SECONDS, MAX_DELIVERY_RETRY_ATTEMPTS } from '../shared/limits';
import { Sweep } from '../sweep';

/** Scheduler retries a payload it could not send, for at most one interval (the next sweep takes over), and at most a day. */
const MIN_EVENT_AGE = Duration.minutes(1);
const MAX_EVENT_AGE = Duration.seconds(MAX_DELIVERY_EVENT_AGE_SECONDS);

export interface SweepScheduleProps {
  readonly sweep: Sweep;
  readonly selection: Selection;
  /** The policy's statuses: the sweep lists each. */
  readonly statuses: string[];
  /** Where each run's payload is sent. */
  readonly intakeQueue: sqs.IQueue;
  readonly delayedRedrives: DelayedRedrives;
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The recurring EventBridge Scheduler schedule of the sweep, in the construct's schedule group, run
 * as the scheduler role. Its Input is the whole sweep request: the selection (an explicit list of
 * state machine ARNs fits in Input's 256 KB where it would not in the Lambda environment), the
 * look-back, the quota share and the statuses; Scheduler adds the scheduled time, the run's id.
 */
export function createSweepSchedule(scope: Construct, id: string, props: SweepScheduleProps): scheduler.CfnSchedule {
  const interval = props.sweep.interval!;
  const payload: SweepPayload = {
    'source': LIBRARY_SOURCE,
    'detail-type': SWEEP_DETAIL_TYPE,
    'detail': {
      selection: props.selection.sweepSelection,
      lookBackSeconds: props.sweep.lookBack!.toSeconds(),
      quotaShare: props.sweep.quotaShare!,
      statuses: props.statuses,
      scheduledTime: SCHEDULED_TIME_PLACEHOLDER,
    },
  };
  const eventAge = Math.min(Math.max(interval.toSeconds(), MIN_EVENT_AGE.toSeconds()), MAX_EVENT_AGE.toSeconds());
  const schedule = new scheduler.CfnSchedule(scope, id, {
    description: 'AutoRedrive sweep: redrives failed executions whose Step Functions events were missed',
    groupName: props.delayedRedrives.scheduleGroupName,
    scheduleExpression: `rate(${interval.toMinutes()} minutes)`,
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: props.intakeQueue.queueArn,
      roleArn: props.delayedRedrives.schedulerRole.roleArn,
      input: Stack.of(scope).toJsonString(payload),
      retryPolicy: { maximumRetryAttempts: MAX_DELIVERY_RETRY_ATTEMPTS, maximumEventAgeInSeconds: eventAge },
      deadLetterConfig: { arn: props.deadLetterQueue.queueArn },
    },
  });
  // The group must exist, and the role be allowed to send to the intake queue, before the first run.
  schedule.node.addDependency(props.delayedRedrives);
  return schedule;
}

/**
 * `states:ListStateMachines`, which takes no resource but `*`: what the sweep needs to find the
 * state machines when they are watched by name prefix or all of them (never for a list).
 */
export function grantListStateMachines(role: iam.Role): iam.Grant {
  const grant = iam.Grant.addToPrincipal({ grantee: role, actions: ['states:ListStateMachines'], resourceArns: ['*'] });
  acknowledgeNagFindings(role.node.findChild('DefaultPolicy'), [{
    id: 'AwsSolutions-IAM5',
    reason: 'The sweep finds the state machines stateMachineNamePrefixes or allStateMachines select with states:ListStateMachines, ' +
      'which supports no resource but *; it only reads their names, ARNs and types.',
    appliesToRegex: '/^Resource::\\*$/',
  }]);
  return grant;
}
