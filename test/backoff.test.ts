import { Duration } from 'aws-cdk-lib';
import { Backoff } from '../src';
import { naming } from './support/messages';

describe('Backoff.description', () => {
  test.each([
    ['none', Backoff.none(), 'no backoff: redrive at once'],
    ['fixed', Backoff.fixed(Duration.minutes(5)), 'fixed backoff of 5 minutes'],
    ['fixed at zero, which is none', Backoff.fixed(Duration.seconds(0)), 'no backoff: redrive at once'],
    [
      'exponential with its defaults',
      Backoff.exponential({ initialDelay: Duration.minutes(1), maxDelay: Duration.hours(1) }),
      'exponential backoff from 1 minute to 1 hour, times 2 per redrive, with jitter',
    ],
    [
      'exponential with every option',
      Backoff.exponential({ initialDelay: Duration.seconds(90), maxDelay: Duration.hours(2), multiplier: 3, jitter: false }),
      'exponential backoff from 1 minute 30 seconds to 2 hours, times 3 per redrive, without jitter',
    ],
    [
      'exponential up to a longest delay past the redrive window',
      Backoff.exponential({ initialDelay: Duration.minutes(1), maxDelay: Duration.days(20) }),
      'exponential backoff from 1 minute to 20 days, times 2 per redrive, with jitter, each delay shortened to land inside the 14-day redrive window',
    ],
  ])('%s', (_name, backoff, expected) => {
    expect(backoff.description).toBe(expected);
  });

  test.each([
    ['fixed', () => Backoff.fixed(Duration.millis(1500)), ['Backoff.fixed()', 'delay', '1 second 500 millis']],
    ['exponential', () => Backoff.exponential({ initialDelay: Duration.millis(1500), maxDelay: Duration.hours(1) }),
      ['Backoff.exponential()', 'initialDelay', '1 second 500 millis']],
  ])('%s with a delay of a second and a half: an error that names the factory, the property and the value', (_name, make, facts) => {
    expect(make).toThrow(naming(...facts));
  });
});

describe('invalid backoffs', () => {
  test.each<[string, () => Backoff, RegExp]>([
    ['a negative delay', () => Backoff.fixed(Duration.seconds(-5)), /negative/i],
    ['a fixed delay past the redrive window', () => Backoff.fixed(Duration.days(14)), naming('Backoff.fixed()', 'delay', 14 * 86400)],
    ['an inverted exponential', () => Backoff.exponential({ initialDelay: Duration.hours(2), maxDelay: Duration.hours(1) }),
      naming('Backoff.exponential()', 'maxDelay', 3600, 'initialDelay', 7200)],
    ['a zero initial delay', () => Backoff.exponential({ initialDelay: Duration.seconds(0), maxDelay: Duration.hours(1) }), naming('Backoff.exponential()', 'initialDelay')],
    ['a multiplier below 1', () => Backoff.exponential({ initialDelay: Duration.minutes(1), maxDelay: Duration.hours(1), multiplier: 0.5 }),
      naming('Backoff.exponential()', 'multiplier', 0.5)],
    ['an initial delay whose shortest draw is past the window', () => Backoff.exponential({ initialDelay: Duration.days(30), maxDelay: Duration.days(30) }),
      naming('Backoff.exponential()', 'initialDelay', 30 * 86400)],
  ])('%s is a synth-time error', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});
