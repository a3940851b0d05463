import { Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { IntakeQueue } from './intake-queue';
import { grantSendOnly } from './send-to-queue';

/** Schedule group names are at most 64 characters. */
const MAX_SCHEDULE_GROUP_NAME_LENGTH = 64;
const SCHEDULER_SERVICE = 'scheduler.amazonaws.com';

export interface DelayedRedrivesProps {
  /** Where a schedule's payload goes when EventBridge Scheduler cannot deliver it. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Where the schedules send their payloads when they are due. */
  readonly intake: IntakeQueue;
}

/**
 * What a one-time schedule needs, in every configuration (a backoff's delay, or a check or redrive
 * put off because Step Functions throttled it): a schedule group the construct owns, and a role
 * EventBridge Scheduler assumes to send a due schedule's payload to the intake queue, and to keep
 * one it could not send in the dead-letter queue.
 */
export class DelayedRedrives extends Construct {
  public readonly scheduleGroupName: string;
  public readonly schedulerRole: iam.Role;

  constructor(scope: Construct, id: string, props: DelayedRedrivesProps) {
    super(scope, id);
    this.scheduleGroupName = Names.uniqueResourceName(this, { maxLength: MAX_SCHEDULE_GROUP_NAME_LENGTH });
    new scheduler.CfnScheduleGroup(this, 'ScheduleGroup', { name: this.scheduleGroupName });
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal(SCHEDULER_SERVICE, {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler send delayed and put-off redrives and sweeps to the AutoRedrive intake queue when they are due',
    });
    grantSendOnly(props.deadLetterQueue, this.schedulerRole);
    props.intake.grantSend(this.schedulerRole);
  }

  /** Lets a principal create schedules in the group, run as the scheduler role. */
  public grantCreateSchedules(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['scheduler:CreateSchedule'],
      resourceArns: [Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroupName}/*` })],
    }).combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: [this.schedulerRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': SCHEDULER_SERVICE } },
    }));
  }
}
