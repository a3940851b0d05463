import * as fc from 'fast-check';
import { isExecutionArnParts, parseExecutionArn, stateMachineArnOf } from '../../core/execution-arn';
import { naming } from '../support/messages';

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

  /** A problem with the ARN's shape names the shape it must have. */
  const SHAPE = ['arn:<partition>:states:<region>:<account>:execution:<state machine>:<execution>'];
  test.each<[string, string, Array<string | number>]>([
    ['a state machine ARN', `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:orders`, SHAPE],
    ['an Express execution ARN', `arn:aws:states:us-east-1:${ACCOUNT}:express:orders:run-1:abc`, SHAPE],
    ['an activity ARN', `arn:aws:states:us-east-1:${ACCOUNT}:activity:orders`, SHAPE],
    ['another resource type with the execution shape', `arn:aws:states:us-east-1:${ACCOUNT}:mapRun:orders:run-1`, SHAPE],
    ['another service', `arn:aws:lambda:us-east-1:${ACCOUNT}:execution:orders:run-1`, SHAPE],
    ['no arn prefix', `urn:aws:states:us-east-1:${ACCOUNT}:execution:orders:run-1`, SHAPE],
    ['too few fields', `arn:aws:states:us-east-1:${ACCOUNT}:execution:orders`, SHAPE],
    ['a colon in the execution name', arn('orders', 'run:1'), SHAPE],
    ['the empty string', '', SHAPE],
    ['an upper-case partition', arn('orders', 'run-1', 'AWS'), ['partition', '"AWS"']],
    ['another cloud', arn('orders', 'run-1', 'azure'), ['partition', '"azure"']],
    ['an empty partition', arn('orders', 'run-1', ''), ['partition', '""']],
    ['a partition ending in a dash', arn('orders', 'run-1', 'aws-'), ['partition', '"aws-"']],
    ['an upper-case Region', arn('orders', 'run-1', 'aws', 'US-EAST-1'), ['Region', '"US-EAST-1"']],
    ['a Region without dashes', arn('orders', 'run-1', 'aws', 'useast1'), ['Region', '"useast1"']],
    ['a Region without a number', arn('orders', 'run-1', 'aws', 'us-east'), ['Region', '"us-east"']],
    ['an empty Region', arn('orders', 'run-1', 'aws', ''), ['Region', '""']],
    ['an 11-digit account', arn('orders', 'run-1', 'aws', 'us-east-1', '12345678901'), ['account', 12]],
    ['a 13-digit account', arn('orders', 'run-1', 'aws', 'us-east-1', '1234567890123'), ['account', 12]],
    ['an account with letters', arn('orders', 'run-1', 'aws', 'us-east-1', '12345678901a'), ['account', 12]],
    ['two slashes', arn('orders/label/more'), ['"/"', 'state machine']],
    ['an empty state machine name', arn('', 'run-1'), ['state machine name', 'empty']],
    ['an empty Map Run label', arn('orders/', 'run-1'), ['Map Run label', 'empty']],
    ['an empty execution name', arn('orders', ''), ['execution name', 'empty']],
    ['an 81-character state machine name', arn('s'.repeat(81)), ['state machine name', 80]],
    ['an 81-character Map Run label', arn(`orders/${'l'.repeat(81)}`), ['Map Run label', 80]],
    ['an 81-character execution name', arn('orders', 'e'.repeat(81)), ['execution name', 80]],
    ['white space in the state machine name', arn('ord ers'), ['state machine name', 'U+0020']],
    ['a no-break space in the execution name', arn('orders', 'run\u00a01'), ['execution name', 'U+00A0']],
    ['an ideographic space in the label', arn('orders/la\u3000bel'), ['Map Run label', 'U+3000']],
    ['a zero-width space in the execution name', arn('orders', 'run\u200b1'), ['execution name', 'U+200B']],
    ['a byte order mark in the state machine name', arn('\ufefforders'), ['state machine name', 'U+FEFF']],
    ['a C1 control in the execution name', arn('orders', 'run\u00851'), ['execution name', 'U+0085']],
    ['a NUL in the state machine name', arn('ord\u0000ers'), ['state machine name', 'U+0000']],
    ['a non-character in the execution name', arn('orders', 'run\ufdd01'), ['execution name', 'U+FDD0']],
    ['an astral non-character in the execution name', arn('orders', 'run\u{1fffe}'), ['execution name', 'U+1FFFE']],
    ['an unpaired surrogate in the state machine name', arn('ord\ud800ers'), ['state machine name', 'U+D800']],
    ['a question mark in the execution name', arn('orders', 'run?1'), ['execution name', 'U+003F']],
  ])('refuses %s', (_name, text, facts) => {
    expect(problemOf(text)).toMatch(naming(...facts));
  });

  test.each([...'?*<>{}[]"#%\\^|~`$&,;'])('refuses %j in any of the three names', (character) => {
    const code = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    expect(problemOf(arn(`or${character}ders`))).toMatch(naming('state machine name', code));
    expect(problemOf(arn(`orders/la${character}bel`))).toMatch(naming('Map Run label', code));
    expect(problemOf(arn('orders', `run${character}`))).toMatch(naming('execution name', code));
  });

  test('a long bad partition or Region is quoted short', () => {
    const partition = problemOf(arn('orders', 'run-1', 'x'.repeat(1000)));
    const region = problemOf(arn('orders', 'run-1', 'aws', 'y'.repeat(1000)));
    expect(partition).toMatch(naming('partition', 'x'.repeat(20)));
    expect(region).toMatch(naming('Region', 'y'.repeat(30)));
    expect(partition).not.toContain('x'.repeat(21));
    expect(region).not.toContain('y'.repeat(31));
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
