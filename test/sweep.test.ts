import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AutoRedrive, RedrivableStatus, Sweep } from '../src';
import { naming } from './support/messages';
import { newStack } from './support/stacks';
import { inputOf, schedules } from './support/sweep-schedules';

describe('Sweep', () => {
  test('every(): the interval, the look-back (three intervals by default, at most 14 days) and the quota share', () => {
    expect(Sweep.every(Duration.hours(1))).toMatchObject({ enabled: true, quotaShare: 0.5 });
    expect(Sweep.every(Duration.hours(1)).lookBack!.toHours()).toBe(3);
    expect(Sweep.every(Duration.days(7)).lookBack!.toDays()).toBe(14);
    expect(Sweep.every(Duration.minutes(5), { lookBack: Duration.minutes(5), quotaShare: 1 }).lookBack!.toMinutes()).toBe(5);
    expect(Sweep.off()).toMatchObject({ enabled: false, interval: undefined });
  });

  test.each<[string, () => Sweep, Array<string | number>]>([
    ['an interval under 5 minutes', () => Sweep.every(Duration.minutes(4)), ['interval', '4 minutes']],
    ['an interval over 7 days', () => Sweep.every(Duration.days(8)), ['interval', '8 days']],
    ['an interval that is not whole minutes', () => Sweep.every(Duration.seconds(330)), ['interval', '5 minutes 30 seconds']],
    ['a look-back shorter than the interval', () => Sweep.every(Duration.hours(1), { lookBack: Duration.minutes(30) }), ['lookBack', '30 minutes', 'interval']],
    ['a look-back past the redrive window', () => Sweep.every(Duration.hours(1), { lookBack: Duration.days(15) }), ['lookBack', '15 days']],
    ['a quota share of 0', () => Sweep.every(Duration.hours(1), { quotaShare: 0 }), ['quotaShare', 0]],
    ['a quota share over 1', () => Sweep.every(Duration.hours(1), { quotaShare: 1.5 }), ['quotaShare', 1.5]],
  ])('refuses %s', (_name, make, facts) => {
    expect(make).toThrow(naming('Sweep.every()', ...facts));
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
    expect(make).toThrow(naming('sweep', 'Sweep.every()', 'Sweep.off()'));
    expect(make).toThrow(naming('statuses', 'RedrivableStatus.FAILED', 'RedrivableStatus.TIMED_OUT', 'RedrivableStatus.ABORTED'));
  });

  test('statuses are the same across copies by their value', () => {
    expect([other.RedrivableStatus.FAILED, other.RedrivableStatus.TIMED_OUT, other.RedrivableStatus.ABORTED].map((status) => status.value))
      .toEqual([RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT, RedrivableStatus.ABORTED].map((status) => status.value));
  });
});
