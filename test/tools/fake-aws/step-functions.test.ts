import { DescribeExecutionCommand, RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { isValidName } from '../../../tools/fake-aws/step-functions';
import { errorOf, useFakeAws } from '../../support/sdk-environment';

const arn = (stateMachine: string, name: string) => `arn:aws:states:us-east-1:123456789012:execution:${stateMachine}:${name}`;

const BAD_NAMES: [string, string][] = [
  ['empty', ''], ['81 characters', 'a'.repeat(81)], ['a space', 'a b'], ['a tab', 'a\tb'], ['a no-break space', 'a\u00a0b'],
  ...[...'?*<>{}[]"#%\\^|~`$&,;'].map((char): [string, string] => [`'${char}'`, `a${char}b`]),
  ['U+0000', 'a\u0000b'], ['U+001F', 'a\u001fb'], ['U+007F', 'a\u007fb'], ['U+0085', 'a\u0085b'], ['U+009F', 'a\u009fb'],
];

describe('Step Functions: names in execution ARNs', () => {
  const fake = useFakeAws();
  let sfn: SFNClient;
  beforeEach(() => {
    sfn = new SFNClient({ maxAttempts: 1 });
  });
  afterEach(() => sfn.destroy());
  const redrive = (executionArn: string) => sfn.send(new RedriveExecutionCommand({ executionArn }));
  const describe_ = (executionArn: string) => sfn.send(new DescribeExecutionCommand({ executionArn }));

  describe.each(BAD_NAMES)('a name with %s', (_, bad) => {
    test.each([
      ['the state machine name', arn(bad, 'run-1')],
      ['the execution name', arn('orders', bad)],
      ['the Map Run label', arn(`orders/${bad}`, 'child-1')],
    ])('in %s is InvalidArn for RedriveExecution and DescribeExecution', async (__, executionArn) => {
      fake().stepFunctions.addExecution(executionArn);
      expect((await errorOf(redrive(executionArn))).name).toBe('InvalidArn');
      expect((await errorOf(describe_(executionArn))).name).toBe('InvalidArn');
      expect(fake().stepFunctions.redrivesOf(executionArn)).toBe(0);
    });
  });

  test.each([
    ['a colon (too many ARN parts)', 'arn:aws:states:us-east-1:123456789012:execution:orders:a:b'],
    ['a slash in the execution name', arn('orders', 'a/b')],
    ['two labels', arn('orders/label/more', 'child')],
    ['a state machine ARN', 'arn:aws:states:us-east-1:123456789012:stateMachine:orders'],
    ['not an ARN', 'orders'],
  ])('%s is InvalidArn', async (_, executionArn) => {
    expect((await errorOf(redrive(executionArn))).name).toBe('InvalidArn');
  });

  test('80-character names with every allowed kind of character are valid: the execution is looked up', async () => {
    const name = `${'a'.repeat(70)}-_.+=@!()é`;
    expect([...name]).toHaveLength(80);
    expect((await errorOf(redrive(arn(name, name)))).name).toBe('ExecutionDoesNotExist');
    fake().stepFunctions.addExecution(arn(name, name));
    await expect(redrive(arn(name, name))).resolves.toMatchObject({ redriveDate: expect.any(Date) });
    await expect(describe_(arn(name, name))).resolves.toMatchObject({ status: 'RUNNING', redriveCount: 1 });
  });

  test('a Map Run child with valid names: RedriveExecution is a ValidationException (redrive the parent)', async () => {
    const child = arn('orders/charge-map', '4f1c5a6e-0d1b-4c7e-9a61-2f5f6d7c8b9a');
    fake().stepFunctions.addExecution(child);
    const error = await errorOf(redrive(child));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('LABELED_ARNS');
  });

  test('isValidName', () => {
    expect(isValidName('orders-2024_v1.0')).toBe(true);
    expect(isValidName('🦆'.repeat(80))).toBe(true);
    expect(isValidName('🦆'.repeat(81))).toBe(false);
    expect(isValidName('a:b')).toBe(false);
    expect(isValidName('a/b')).toBe(false);
  });
});
