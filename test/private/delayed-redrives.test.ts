import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DelayedRedrives } from '../../src/private/delayed-redrives';
import { IntakeQueue } from '../../src/private/intake-queue';
import { HANDLER_TIMEOUT } from '../../src/private/redrive-handler';
import { expectGranted, newRole } from '../support/grants';

describe('every grant to the handler or scheduler role returns an iam.Grant', () => {
  test('creating schedules in the group, passing the scheduler role to EventBridge Scheduler only', () => {
    const stack = new Stack();
    const deadLetterQueue = new sqs.Queue(stack, 'DeadLetters');
    const intake = new IntakeQueue(stack, 'Intake', { deadLetterQueue, handlerTimeout: HANDLER_TIMEOUT });
    const delayed = new DelayedRedrives(stack, 'Delayed', { deadLetterQueue, intake });
    const grant = delayed.grantCreateSchedules(newRole(stack, 'Handler'));
    expectGranted(grant, ['scheduler:CreateSchedule', 'iam:PassRole']);
    const passRole = grant.principalStatements.find((statement) => statement.actions.includes('iam:PassRole'))!;
    expect(passRole.toStatementJson().Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
  });
});
