import { Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantSendOnly } from './send-to-queue';

/** Schedule group names are at most 64 characters. */
const MAX_SCHEDULE_GROUP_NAME_LENGTH = 64;

/**
 * What a delayed redrive needs: a schedule group the construct owns, and a role EventBridge
 * Scheduler assumes to invoke the handler (and to keep an undeliverable invocation in the DLQ).
 */
export class DelayedRedrives extends Construct {
  public readonly scheduleGroupName: string;
  public readonly schedulerRole: iam.Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.scheduleGroupName = Names.uniqueResourceName(this, { maxLength: MAX_SCHEDULE_GROUP_NAME_LENGTH });
    new scheduler.CfnScheduleGroup(this, 'ScheduleGroup', { name: this.scheduleGroupName });
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the AutoRedrive handler when a delayed redrive is due',
    });
  }

  /** Lets the schedules invoke the handler and dead-letter into the queue; lets the handler create them. */
  public wire(handler: lambda.IFunction, handlerRole: iam.IRole, deadLetterQueue: sqs.IQueue): void {
    // The schedules target the handler's unqualified ARN: no version or alias needs the permission.
    this.schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [handler.functionArn] }));
    grantSendOnly(deadLetterQueue, this.schedulerRole);

    const stack = Stack.of(this);
    handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['scheduler:CreateSchedule'],
      resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroupName}/*` })],
    }));
    handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [this.schedulerRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }));
  }
}
