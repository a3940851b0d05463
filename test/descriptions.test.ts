import { Duration } from 'aws-cdk-lib';
import { Backoff, ErrorFilter } from '../src';

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
    ['fixed', () => Backoff.fixed(Duration.millis(1500)), 'Backoff.fixed(): delay must be a whole number of seconds, got 1 second 500 millis'],
    ['exponential', () => Backoff.exponential({ initialDelay: Duration.millis(1500), maxDelay: Duration.hours(1) }),
      'Backoff.exponential(): initialDelay must be a whole number of seconds, got 1 second 500 millis'],
  ])('%s with a delay of a second and a half: an error that names the factory and the property', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});

describe('ErrorFilter.description', () => {
  test('the default names every error it denies', () => {
    const description = ErrorFilter.allExceptUnfixable().description;
    expect(description).toMatch(/^every error except those a redrive cannot fix: /);
    for (const error of ErrorFilter.unfixableErrors()) expect(description).toContain(error);
  });

  test.each([
    ['all', ErrorFilter.all(), 'every error, and executions that report no error'],
    ['allowOnly', ErrorFilter.allowOnly(['Lambda.*', 'States.Timeout']), 'only errors matching Lambda.*, States.Timeout'],
    ['deny', ErrorFilter.deny(['*Exception']), 'every error except those matching *Exception'],
  ])('%s', (_name, filter, expected) => {
    expect(filter.description).toBe(expected);
  });

  test('a filter keeps its own patterns when the caller changes the array it passed', () => {
    const patterns = ['Lambda.*'];
    const filter = ErrorFilter.allowOnly(patterns);
    patterns.push('States.Timeout');
    expect(filter.description).toBe('only errors matching Lambda.*');
  });
});
