import { ErrorFilter } from '../src';

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

describe('invalid error patterns', () => {
  test.each([[['']], [['  ']], [[]], [['Lambda.**']], [['x'.repeat(257)]], [['bad\u0007']]])('an invalid error pattern %j', (patterns) => {
    expect(() => ErrorFilter.allowOnly(patterns)).toThrow(/ErrorFilter.allowOnly\(\)/);
    expect(() => ErrorFilter.deny(patterns)).toThrow(/ErrorFilter.deny\(\)/);
  });
});
