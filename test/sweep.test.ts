import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive, AutoRedriveProps, Backoff, RedrivableStatus, Sweep } from '../src';
import { handlerRoleStatements, newStack, standardStateMachine, synthAutoRedrive } from './support/stacks';

const schedules = (template: Template) => Object.values<any>(template.findResources('AWS::Scheduler::Schedule'));
const inputOf = (stack: Stack, schedule: any) => JSON.parse(stack.resolve(schedule.Properties.Target.Input)['Fn::Join']
  ? stack.resolve(schedule.Properties.Target.Input)['Fn::Join'][1].map((part: any) => (typeof part === 'string' ? part : `<${JSON.stringify(part)}>`)).join('')
  : schedule.Properties.Target.Input);

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

describe('Sweep', () => {
  test('every(): the interval, the look-back (three intervals by default, at most 14 days) and the quota share', () => {
    expect(Sweep.every(Duration.hours(1))).toMatchObject({ enabled: true, quotaShare: 0.5 });
    expect(Sweep.every(Duration.hours(1)).lookBack!.toHours()).toBe(3);
    expect(Sweep.every(Duration.days(7)).lookBack!.toDays()).toBe(14);
    expect(Sweep.every(Duration.minutes(5), { lookBack: Duration.minutes(5), quotaShare: 1 }).lookBack!.toMinutes()).toBe(5);
    expect(Sweep.off()).toMatchObject({ enabled: false, interval: undefined });
  });

  test.each<[string, () => Sweep, RegExp]>([
    ['an interval under 5 minutes', () => Sweep.every(Duration.minutes(4)), /whole minutes between 5 minutes and 7 days/],
    ['an interval over 7 days', () => Sweep.every(Duration.days(8)), /whole minutes between 5 minutes and 7 days/],
    ['an interval that is not whole minutes', () => Sweep.every(Duration.seconds(330)), /whole minutes/],
    ['a look-back shorter than the interval', () => Sweep.every(Duration.hours(1), { lookBack: Duration.minutes(30) }), /at least the interval/],
    ['a look-back past the redrive window', () => Sweep.every(Duration.hours(1), { lookBack: Duration.days(15) }), /at most 14 days/],
    ['a quota share of 0', () => Sweep.every(Duration.hours(1), { quotaShare: 0 }), /more than 0 and at most 1/],
    ['a quota share over 1', () => Sweep.every(Duration.hours(1), { quotaShare: 1.5 }), /more than 0 and at most 1/],
  ])('refuses %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('lists every problem at once', () => {
    expect(() => Sweep.every(Duration.minutes(1), { quotaShare: 2 })).toThrow(/interval[\s\S]*quotaShare/);
  });

  test('isSweep(): a Sweep of this copy of the library, and not a look-alike without the mark', () => {
    expect(Sweep.isSweep(Sweep.every(Duration.hours(1)))).toBe(true);
    expect(Sweep.isSweep(Sweep.off())).toBe(true);
    const lookAlike = { enabled: true, interval: Duration.hours(1), lookBack: Duration.hours(3), quotaShare: 0.5 };
    for (const value of [undefined, null, 'Sweep', 1, lookAlike, Duration.hours(1)]) expect(Sweep.isSweep(value)).toBe(false);
  });
});

describe('two installed copies of the library', () => {
  /** The library as a second installed copy of it is: the same code, loaded again, with classes of its own. */
  function secondCopy(): typeof import('../src') {
    let copy: typeof import('../src') | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      copy = require('../src');
    });
    return copy!;
  }
  const other = secondCopy();

  test('the second copy\'s classes are not this copy\'s: instanceof and identity fail across copies', () => {
    expect(other.Sweep).not.toBe(Sweep);
    expect(other.Sweep.off()).not.toBeInstanceOf(Sweep);
    expect(other.RedrivableStatus.FAILED).not.toBe(RedrivableStatus.FAILED);
  });

  test('isSweep() recognizes a Sweep of either copy, both ways', () => {
    expect(Sweep.isSweep(other.Sweep.every(Duration.minutes(30)))).toBe(true);
    expect(Sweep.isSweep(other.Sweep.off())).toBe(true);
    expect(other.Sweep.isSweep(Sweep.off())).toBe(true);
  });

  test('the construct accepts a sweep and statuses made by the second copy', () => {
    const stack = newStack();
    new AutoRedrive(stack, 'AutoRedrive', {
      stateMachineNamePrefixes: ['orders-'],
      sweep: other.Sweep.every(Duration.minutes(30), { lookBack: Duration.hours(2) }),
      statuses: [other.RedrivableStatus.FAILED, other.RedrivableStatus.ABORTED],
    });
    const template = Template.fromStack(stack);
    expect(schedules(template).map((schedule) => schedule.Properties.ScheduleExpression)).toEqual(['rate(30 minutes)']);
    expect(inputOf(stack, schedules(template)[0]).detail).toMatchObject({ lookBackSeconds: 7200, statuses: ['FAILED', 'ABORTED'] });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { detail: { status: ['FAILED', 'ABORTED'] } } });
  });

  test('the construct still refuses a look-alike sweep without the mark, and a status of no known value', () => {
    const lookAlike = { enabled: true, interval: Duration.hours(1), lookBack: Duration.hours(3), quotaShare: 0.5 } as unknown as Sweep;
    const unknownStatus = { value: 'RUNNING' } as unknown as RedrivableStatus;
    const make = () => new AutoRedrive(newStack(), 'AutoRedrive', { stateMachineNamePrefixes: ['orders-'], sweep: lookAlike, statuses: [unknownStatus] });
    expect(make).toThrow('sweep must be made with Sweep.every() or Sweep.off()');
    expect(make).toThrow('statuses may only hold RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT and RedrivableStatus.ABORTED');
  });

  test('statuses are the same across copies by their value', () => {
    expect([other.RedrivableStatus.FAILED, other.RedrivableStatus.TIMED_OUT, other.RedrivableStatus.ABORTED].map((status) => status.value))
      .toEqual([RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT, RedrivableStatus.ABORTED].map((status) => status.value));
  });
});

describe('room in the IAM policies with the sweep on', () => {
  const byName = (stack: Stack, count: number) => Array.from({ length: count }, (_, i) =>
    sfn.StateMachine.fromStateMachineName(stack, `M${i}`, `${i}`.padStart(80, 'n')));

  test('listing each state machine takes room too: the ceiling for the longest names is lower, and the error says how to get it back', () => {
    const fits = newStack();
    new AutoRedrive(fits, 'AutoRedrive', { stateMachines: byName(fits, SWEEP_ON_CEILING_80) });
    Template.fromStack(fits).resourceCountIs('AWS::IAM::ManagedPolicy', 10);
    const over = newStack();
    expect(() => new AutoRedrive(over, 'AutoRedrive', { stateMachines: byName(over, SWEEP_ON_CEILING_80 + 1) }))
      .toThrow(/and the sweep's ListExecutions on the state machines[\s\S]*or turn the sweep off \(sweep: Sweep.off\(\)\)/);
  });
});

/** 80-character names, the longest, with the sweep on: 19 per policy. */
const SWEEP_ON_CEILING_80 = 190;

describe('a backoff that outlasts the look-back', () => {
  const warnings = (props: Partial<AutoRedriveProps>) => {
    const stack = newStack();
    new AutoRedrive(stack, 'AutoRedrive', { stateMachineNamePrefixes: ['orders-'], ...props });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('BackoffBeyondSweepLookBack'));
  };

  test('is named at synth time, with the look-back to give', () => {
    const found = warnings({ backoff: Backoff.fixed(Duration.hours(5)) });
    expect(found).toHaveLength(1);
    expect(found[0].entry.data).toMatch(/longest delay \(18000 s\) is longer than the sweep's look-back \(10800 s\)[\s\S]*lookBack of at least the longest delay/);
  });

  test.each<[string, Partial<AutoRedriveProps>]>([
    ['the default backoff and sweep', {}],
    ['a look-back that covers it', { backoff: Backoff.fixed(Duration.hours(5)), sweep: Sweep.every(Duration.hours(1), { lookBack: Duration.hours(6) }) }],
    ['no sweep', { backoff: Backoff.fixed(Duration.hours(5)), sweep: Sweep.off() }],
  ])('is not named with %s', (_name, props) => {
    expect(warnings(props)).toEqual([]);
  });
});
