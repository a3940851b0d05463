import * as fc from 'fast-check';
import { isExecutionArnParts, parseExecutionArn, stateMachineArnOf } from '../../core/execution-arn';

const ACCOUNT = '123456789012';
const arn = (stateMachinePart: string, executionName = 'run-1', partition = 'aws', region = 'us-east-1', account = ACCOUNT) =>
  `arn:${partition}:states:${region}:${account}:execution:${stateMachinePart}:${executionName}`;

function problemOf(text: string): string | undefined {
  const parsed = parseExecutionArn(text);
  return isExecutionArnParts(parsed) ? undefined : parsed.problem;
}

describe('parseExecutionArn', () => {
  test.each([
    ['aws', 'us-east-1'],
    ['aws', 'eu-central-2'],
    ['aws', 'ap-southeast-5'],
    ['aws', 'il-central-1'],
    ['aws', 'mx-central-1'],
    ['aws-cn', 'cn-north-1'],
    ['aws-cn', 'cn-northwest-1'],
    ['aws-us-gov', 'us-gov-west-1'],
    ['aws-us-gov', 'us-gov-east-1'],
    ['aws-iso', 'us-iso-east-1'],
    ['aws-iso-b', 'us-isob-east-1'],
    ['aws-iso-e', 'eu-isoe-west-1'],
    ['aws-iso-f', 'us-isof-south-1'],
    // The AWS European Sovereign Cloud (partitions.json of the AWS SDK: regionRegex ^eusc-(de)-\w+-\d+$).
    ['aws-eusc', 'eusc-de-east-1'],
  ])('reads an execution ARN in %s %s', (partition, region) => {
    const text = arn('orders', '4a5b6c7d-1111', partition, region);
    expect(parseExecutionArn(text)).toEqual({
      partition, region, account: ACCOUNT, stateMachineName: 'orders', mapRunLabel: undefined, executionName: '4a5b6c7d-1111',
    });
    expect(stateMachineArnOf(parseExecutionArn(text) as any)).toBe(`arn:${partition}:states:${region}:${ACCOUNT}:stateMachine:orders`);
  });

  test('reads a Distributed Map child: its Map Run label, and its parent state machine', () => {
    const parsed = parseExecutionArn(arn('orders/map-run-label', '0f1e2d3c-child'));
    expect(parsed).toEqual({
      partition: 'aws', region: 'us-east-1', account: ACCOUNT, stateMachineName: 'orders', mapRunLabel: 'map-run-label', executionName: '0f1e2d3c-child',
    });
    expect(stateMachineArnOf(parsed as any)).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:orders`);
  });

  test('names of 80 characters and non-ASCII letters are valid', () => {
    const long = 'n'.repeat(80);
    expect(parseExecutionArn(arn(`${long}/${long}`, long))).toMatchObject({ stateMachineName: long, mapRunLabel: long, executionName: long });
    expect(parseExecutionArn(arn('注文', 'exécution-\u{1f600}'))).toMatchObject({ stateMachineName: '注文', executionName: 'exécution-\u{1f600}' });
  });

  const SHAPE = 'is not arn:<partition>:states:<region>:<account>:execution:<state machine>:<execution>';
  test.each<[string, string, string | RegExp]>([
    ['a state machine ARN', `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:orders`, SHAPE],
    ['an Express execution ARN', `arn:aws:states:us-east-1:${ACCOUNT}:express:orders:run-1:abc`, SHAPE],
    ['an activity ARN', `arn:aws:states:us-east-1:${ACCOUNT}:activity:orders`, SHAPE],
    ['another resource type with the execution shape', `arn:aws:states:us-east-1:${ACCOUNT}:mapRun:orders:run-1`, SHAPE],
    ['another service', `arn:aws:lambda:us-east-1:${ACCOUNT}:execution:orders:run-1`, SHAPE],
    ['no arn prefix', `urn:aws:states:us-east-1:${ACCOUNT}:execution:orders:run-1`, SHAPE],
    ['too few fields', `arn:aws:states:us-east-1:${ACCOUNT}:execution:orders`, SHAPE],
    ['a colon in the execution name', arn('orders', 'run:1'), SHAPE],
    ['the empty string', '', SHAPE],
    ['an upper-case partition', arn('orders', 'run-1', 'AWS'), 'has an unknown partition "AWS"'],
    ['another cloud', arn('orders', 'run-1', 'azure'), 'has an unknown partition "azure"'],
    ['an empty partition', arn('orders', 'run-1', ''), 'has an unknown partition ""'],
    ['a partition ending in a dash', arn('orders', 'run-1', 'aws-'), 'has an unknown partition "aws-"'],
    ['an upper-case Region', arn('orders', 'run-1', 'aws', 'US-EAST-1'), 'has an invalid Region "US-EAST-1"'],
    ['a Region without dashes', arn('orders', 'run-1', 'aws', 'useast1'), 'has an invalid Region "useast1"'],
    ['a Region without a number', arn('orders', 'run-1', 'aws', 'us-east'), 'has an invalid Region "us-east"'],
    ['an empty Region', arn('orders', 'run-1', 'aws', ''), 'has an invalid Region ""'],
    ['an 11-digit account', arn('orders', 'run-1', 'aws', 'us-east-1', '12345678901'), 'has an account that is not 12 digits'],
    ['a 13-digit account', arn('orders', 'run-1', 'aws', 'us-east-1', '1234567890123'), 'has an account that is not 12 digits'],
    ['an account with letters', arn('orders', 'run-1', 'aws', 'us-east-1', '12345678901a'), 'has an account that is not 12 digits'],
    ['two slashes', arn('orders/label/more'), 'has more than one "/" in its state machine part'],
    ['an empty state machine name', arn('', 'run-1'), 'has a state machine name that is empty'],
    ['an empty Map Run label', arn('orders/', 'run-1'), 'has a Map Run label that is empty'],
    ['an empty execution name', arn('orders', ''), 'has an execution name that is empty'],
    ['an 81-character state machine name', arn('s'.repeat(81)), 'has a state machine name that is longer than 80 characters'],
    ['an 81-character Map Run label', arn(`orders/${'l'.repeat(81)}`), 'has a Map Run label that is longer than 80 characters'],
    ['an 81-character execution name', arn('orders', 'e'.repeat(81)), 'has an execution name that is longer than 80 characters'],
    ['white space in the state machine name', arn('ord ers'), 'has a state machine name that contains U+0020, which Step Functions does not allow in names'],
    ['a no-break space in the execution name', arn('orders', 'run\u00a01'), 'has an execution name that contains U+00A0, which Step Functions does not allow in names'],
    ['an ideographic space in the label', arn('orders/la\u3000bel'), 'has a Map Run label that contains U+3000, which Step Functions does not allow in names'],
    ['a zero-width space in the execution name', arn('orders', 'run\u200b1'), 'has an execution name that contains U+200B, which Step Functions does not allow in names'],
    ['a byte order mark in the state machine name', arn('\ufefforders'), 'has a state machine name that contains U+FEFF, which Step Functions does not allow in names'],
    ['a C1 control in the execution name', arn('orders', 'run\u00851'), 'has an execution name that contains U+0085, which Step Functions does not allow in names'],
    ['a NUL in the state machine name', arn('ord\u0000ers'), 'has a state machine name that contains U+0000, which Step Functions does not allow in names'],
    ['a non-character in the execution name', arn('orders', 'run\ufdd01'), 'has an execution name that contains U+FDD0, which Step Functions does not allow in names'],
    ['an astral non-character in the execution name', arn('orders', 'run\u{1fffe}'), 'has an execution name that contains U+1FFFE, which Step Functions does not allow in names'],
    ['an unpaired surrogate in the state machine name', arn('ord\ud800ers'), 'has a state machine name that contains U+D800, which Step Functions does not allow in names'],
    ['a question mark in the execution name', arn('orders', 'run?1'), 'has an execution name that contains U+003F, which Step Functions does not allow in names'],
  ])('refuses %s', (_name, text, problem) => {
    expect(problemOf(text)).toEqual(problem);
  });

  test.each([...'?*<>{}[]"#%\\^|~`$&,;'])('refuses %j in any of the three names', (character) => {
    const code = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    expect(problemOf(arn(`or${character}ders`))).toBe(`has a state machine name that contains ${code}, which Step Functions does not allow in names`);
    expect(problemOf(arn(`orders/la${character}bel`))).toBe(`has a Map Run label that contains ${code}, which Step Functions does not allow in names`);
    expect(problemOf(arn('orders', `run${character}`))).toBe(`has an execution name that contains ${code}, which Step Functions does not allow in names`);
  });

  test('a long bad partition or Region is quoted short', () => {
    expect(problemOf(arn('orders', 'run-1', 'x'.repeat(1000)))).toBe(`has an unknown partition "${'x'.repeat(20)}"`);
    expect(problemOf(arn('orders', 'run-1', 'aws', 'y'.repeat(1000)))).toBe(`has an invalid Region "${'y'.repeat(30)}"`);
  });

  test('property: any string parses to parts that rebuild it, or to a problem; never throws', () => {
    const piece = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('arn', 'aws', 'states', 'us-east-1', ACCOUNT, 'execution', 'a/b'));
    const candidate = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(piece, { minLength: 6, maxLength: 10 }).map((pieces) => pieces.join(':')),
      fc.tuple(piece, piece, piece).map(([sm, name, region]) => arn(sm, name, 'aws', region)),
    );
    fc.assert(fc.property(candidate, (text) => {
      const parsed = parseExecutionArn(text);
      if (isExecutionArnParts(parsed)) {
        const stateMachinePart = parsed.mapRunLabel === undefined ? parsed.stateMachineName : `${parsed.stateMachineName}/${parsed.mapRunLabel}`;
        expect(arn(stateMachinePart, parsed.executionName, parsed.partition, parsed.region, parsed.account)).toBe(text);
      } else {
        expect(parsed.problem.length).toBeGreaterThan(0);
      }
    }), { numRuns: 2000 });
  });
});
