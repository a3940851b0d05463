import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive, RedrivableStatus, Sweep } from '../../src';
import { grantListStateMachines } from '../../src/private/sweep-schedule';
import { expectGranted, newRole } from '../support/grants';
import { handlerRoleStatements, newStack, standardStateMachine, synthAutoRedrive } from '../support/stacks';
import { inputOf, schedules } from '../support/sweep-schedules';

describe('the sweep schedule', () => {
  test('on by default: every hour, in the construct\'s group, sending to the intake queue as the scheduler role, with retries and the DLQ', () => {
    const { template, autoRedrive } = synthAutoRedrive();
    const [schedule] = schedules(template);
    expect(schedules(template)).toHaveLength(1);
    expect(schedule.Properties).toMatchObject({
      GroupName: autoRedrive.scheduleGroupName,
      ScheduleExpression: 'rate(60 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/^AutoRedriveIntake/), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/SchedulerRole/), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'Arn'] } },
      },
    });
    expect(schedule.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/ScheduleGroup/), expect.stringMatching(/SchedulerRoleDefaultPolicy/)]));
  });

  test('its Input is the sweep request: the listed state machines\' ARNs, the look-back, the quota share, the statuses, the scheduled time', () => {
    const stack = new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'us-east-1' } });
    const machines = ['orders', 'payments'].map((name) =>
      sfn.StateMachine.fromStateMachineArn(stack, name, `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`));
    new AutoRedrive(stack, 'AutoRedrive', {
      stateMachines: machines,
      statuses: [RedrivableStatus.FAILED, RedrivableStatus.ABORTED],
      sweep: Sweep.every(Duration.minutes(15), { lookBack: Duration.hours(2), quotaShare: 0.25 }),
    });
    const [schedule] = schedules(Template.fromStack(stack));

    expect(schedule.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(schedule.Properties.Target.RetryPolicy.MaximumEventAgeInSeconds).toBe(900);
    expect(inputOf(stack, schedule)).toEqual({
      'source': 'cdk-stepfunctions-redrive',
      'detail-type': 'Sweep',
      'detail': {
        selection: { kind: 'LIST', stateMachineArns: ['arn:aws:states:us-east-1:123456789012:stateMachine:orders', 'arn:aws:states:us-east-1:123456789012:stateMachine:payments'] },
        lookBackSeconds: 7200,
        quotaShare: 0.25,
        statuses: ['FAILED', 'ABORTED'],
        scheduledTime: '<aws.scheduler.scheduled-time>',
      },
    });
  });

  test.each([
    ['name prefixes', { stateMachineNamePrefixes: ['orders-', 'billing'] }, { kind: 'PREFIXES', namePrefixes: ['orders-', 'billing'] }],
    ['every state machine', { allStateMachines: true }, { kind: 'ALL' }],
  ])('with %s, the Input carries the selection, and the look-back defaults to three intervals', (_name, props, selection) => {
    const stack = newStack();
    new AutoRedrive(stack, 'AutoRedrive', props);
    const [schedule] = schedules(Template.fromStack(stack));
    expect(inputOf(stack, schedule).detail).toEqual({
      selection, lookBackSeconds: 3 * 3600, quotaShare: 0.5, statuses: ['FAILED', 'TIMED_OUT'], scheduledTime: '<aws.scheduler.scheduled-time>',
    });
  });

  test('Sweep.off() creates no sweep schedule and grants no List* action', () => {
    const selections = [(stack: Stack) => ({ stateMachines: [standardStateMachine(stack, 'M')] }), () => ({ stateMachineNamePrefixes: ['orders-'] }), () => ({ allStateMachines: true })];
    for (const selection of selections) {
      const stack = newStack();
      new AutoRedrive(stack, 'AutoRedrive', { ...selection(stack), sweep: Sweep.off() });
      const template = Template.fromStack(stack);
      expect(schedules(template)).toEqual([]);
      const actions = handlerRoleStatements(template).flatMap((statement: any) => [statement.Action].flat());
      expect(actions.filter((action: string) => action.startsWith('states:List'))).toEqual([]);
    }
  });

  test('the listed state machines\' ARNs are granted ListExecutions, in the redrive policies; no ListStateMachines', () => {
    const { template, stateMachines } = synthAutoRedrive({}, 2);
    const statements = handlerRoleStatements(template);
    const list = statements.filter((statement: any) => statement.Action === 'states:ListExecutions');
    const stack = Stack.of(stateMachines[0]);
    expect(list.flatMap((statement: any) => [statement.Resource].flat()).map((resource: any) => stack.resolve(resource)))
      .toEqual(stateMachines.map((machine) => stack.resolve(machine.stateMachineArn)));
    expect(statements.filter((statement: any) => statement.Action === 'states:ListStateMachines')).toEqual([]);
  });
});

describe('every grant to the handler or scheduler role returns an iam.Grant', () => {
  test('listing the state machines, for the sweep of name prefixes or of every state machine', () => {
    const stack = new Stack();
    expectGranted(grantListStateMachines(newRole(stack, 'Handler')), ['states:ListStateMachines']);
  });
});
