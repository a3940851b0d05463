import { App, CfnParameter, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { AutoRedrive, AutoRedriveProps, Sweep } from '../../src';
import { distinctPrefixes } from '../../src/private/selection';
import { aMessageNaming, naming } from '../support/messages';
import { handlerRoleStatements, standardStateMachine } from '../support/stacks';

/** The longest partition and Region, for what a template becomes once deployed where its ARNs are longest. */
const WORST = { partition: 'aws-us-gov', region: 'us-isof-south-1', account: '123456789012' };
const HERE = { partition: 'aws', region: 'us-east-1', account: '123456789012' };

/** The value as CloudFormation would deploy it in `env`: pseudo parameters replaced, joins joined. */
function deployed(value: unknown, env = HERE): any {
  const pseudo: Record<string, string> = { 'AWS::Partition': env.partition, 'AWS::Region': env.region, 'AWS::AccountId': env.account };
  const walk = (node: any): any => {
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      if (typeof node.Ref === 'string' && node.Ref in pseudo) return pseudo[node.Ref];
      if (node['Fn::Join']) return (walk(node['Fn::Join'][1]) as string[]).join(node['Fn::Join'][0]);
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    }
    return node;
  };
  return walk(value);
}

/** Whether a deployed rule's `stateMachineArn` matches the ARN: exactly, or by `{ prefix }`. */
function ruleMatches(rule: any, stateMachineArn: string): boolean {
  return (rule.EventPattern.detail.stateMachineArn as any[]).some((matcher) =>
    typeof matcher === 'string' ? matcher === stateMachineArn : stateMachineArn.startsWith(matcher.prefix));
}

/** Whether an IAM resource (with `*` wildcards) covers the ARN. */
function iamCovers(resource: string, arn: string): boolean {
  return new RegExp(`^${resource.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(arn);
}

function synth(props: AutoRedriveProps, env?: { account: string; region: string }) {
  const stack = new Stack(new App(), 'TestStack', { env });
  const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', props);
  const template = Template.fromStack(stack);
  const rules = Object.values(template.findResources('AWS::Events::Rule')) as any[];
  const executionResources = handlerRoleStatements(template)
    .filter((statement: any) => [statement.Action].flat().includes('states:RedriveExecution'))
    .flatMap((statement: any) => [statement.Resource].flat());
  return { stack, autoRedrive, template, rules, executionResources };
}

const machineArn = (name: string, env = HERE) => `arn:${env.partition}:states:${env.region}:${env.account}:stateMachine:${name}`;
const executionArnOf = (name: string, env = HERE) => `arn:${env.partition}:states:${env.region}:${env.account}:execution:${name}:4a5b6c7d`;

describe('stateMachineNamePrefixes', () => {
  const { stack, autoRedrive, rules, executionResources } = synth({ stateMachineNamePrefixes: ['orders-', 'billing'] });
  const [rule] = rules.map((r) => deployed(r.Properties));

  test('one rule matches the prefix of stateMachineArn for each name prefix, in the stack\'s account and Region', () => {
    expect(rules).toHaveLength(1);
    expect(autoRedrive.rules).toHaveLength(1);
    expect(rule.EventPattern).toEqual({
      'source': ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      'detail': {
        status: ['FAILED', 'TIMED_OUT'],
        redriveStatus: ['REDRIVABLE'],
        stateMachineArn: [{ prefix: machineArn('orders-') }, { prefix: machineArn('billing') }],
      },
    });
  });

  test.each([
    ['a state machine named with the prefix', machineArn('orders-eu'), true],
    ['one named exactly the prefix', machineArn('billing'), true],
    ['one created later whose name starts with the other prefix', machineArn('billing-v2-2027'), true],
    ['one whose name starts differently', machineArn('shipping'), false],
    ['one whose name is shorter than the prefix', machineArn('orders'), false],
    ['one of another account', machineArn('orders-eu', { ...HERE, account: '210987654321' }), false],
    ['one of another Region', machineArn('orders-eu', { ...HERE, region: 'eu-west-1' }), false],
  ])('the deployed rule and IAM agree on %s', (_name, arn, watched) => {
    expect(ruleMatches(rule, arn)).toBe(watched);
    const execution = `${arn.replace(':stateMachine:', ':execution:')}:4a5b6c7d`;
    expect(deployed(executionResources).some((resource: string) => iamCovers(resource, execution))).toBe(watched);
  });

  test('IAM allows looking at and redriving the executions of each prefix, and nothing else of Step Functions', () => {
    expect(deployed(executionResources)).toEqual([
      'arn:aws:states:us-east-1:123456789012:execution:orders-*:*',
      'arn:aws:states:us-east-1:123456789012:execution:billing*:*',
    ]);
    expect(iamCovers(deployed(executionResources)[0], executionArnOf('orders-eu'))).toBe(true);
    expect(iamCovers(deployed(executionResources)[0], 'arn:aws:states:us-east-1:123456789012:stateMachine:orders-eu')).toBe(false);
  });

  test('the redrive policy acknowledges the prefix wildcards for cdk-nag, with the reason', () => {
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')) as any[];
    expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: aMessageNaming('stateMachineNamePrefixes', 'executions', 'prefix'),
      applies_to: [{ regex: '/^Resource::arn:.+:states:.+:execution:[^*:]+\\*:\\*$/' }],
    }, {
      id: 'AwsSolutions-IAM5',
      reason: aMessageNaming('sweep', 'stateMachineNamePrefixes', 'ListExecutions', 'prefix'),
      applies_to: [{ regex: '/^Resource::arn:.+:states:.+:stateMachine:[^*:]+\\*$/' }],
    }]);
  });

  test('synthesizes without warnings', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('in a stack with an explicit env, the ARN prefixes carry its account and Region', () => {
    const env = { account: '111122223333', region: 'eu-central-1' };
    const concrete = synth({ stateMachineNamePrefixes: ['orders-'] }, env);
    const [props] = concrete.rules.map((r) => r.Properties);
    expect(props.EventPattern.detail.stateMachineArn).toEqual([{
      prefix: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:eu-central-1:111122223333:stateMachine:orders-']] },
    }]);
  });

  test('duplicates, and prefixes another one covers, are dropped', () => {
    const { rules: deduplicated, executionResources: resources } = synth({ stateMachineNamePrefixes: ['orders-eu', 'orders-', 'billing', 'orders-', 'billing'] });
    expect(deployed(deduplicated[0].Properties).EventPattern.detail.stateMachineArn).toEqual([{ prefix: machineArn('orders-') }, { prefix: machineArn('billing') }]);
    expect(deployed(resources)).toHaveLength(2);
  });

  describe('many long prefixes', () => {
    const prefixes = Array.from({ length: 60 }, (_, i) => `${String(i).padStart(2, '0')}-${'p'.repeat(77)}`);
    const many = synth({ stateMachineNamePrefixes: prefixes });

    test('split over rules whose patterns stay within 2,048 characters where ARNs are longest, together matching every prefix once', () => {
      expect(many.rules.length).toBeGreaterThan(1);
      const patterns = many.rules.map((r) => deployed(r.Properties, WORST).EventPattern);
      for (const pattern of patterns) expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(2048);
      const matched = patterns.flatMap((pattern) => pattern.detail.stateMachineArn.map((m: any) => m.prefix));
      expect(matched).toEqual(prefixes.map((prefix) => machineArn(prefix, WORST)));
      expect(many.autoRedrive.rules).toHaveLength(many.rules.length);
    });

    test('every rule targets the handler with the same retry policy and dead-letter queue', () => {
      const targets = many.rules.map((r) => JSON.stringify(r.Properties.Targets));
      expect(new Set(targets).size).toBe(1);
    });

    test('in managed policies within the 6,144 characters IAM allows, where ARNs are longest', () => {
      const policies = Object.values(many.template.findResources('AWS::IAM::ManagedPolicy')) as any[];
      expect(policies.length).toBeGreaterThanOrEqual(1);
      for (const policy of policies) expect(JSON.stringify(deployed(policy.Properties.PolicyDocument, WORST)).length).toBeLessThanOrEqual(6144);
      expect(deployed(many.executionResources)).toHaveLength(60);
    });
  });
});

describe('allStateMachines', () => {
  const { stack, rules, executionResources, template } = synth({ allStateMachines: true });

  test('one rule matches every state machine of the stack\'s account and Region: the empty name prefix', () => {
    expect(rules).toHaveLength(1);
    const [rule] = rules.map((r) => deployed(r.Properties));
    expect(rule.EventPattern.detail.stateMachineArn).toEqual([{ prefix: 'arn:aws:states:us-east-1:123456789012:stateMachine:' }]);
    expect(ruleMatches(rule, machineArn('anything'))).toBe(true);
    expect(ruleMatches(rule, machineArn('anything', { ...HERE, account: '210987654321' }))).toBe(false);
    expect(ruleMatches(rule, machineArn('anything', { ...HERE, region: 'eu-west-1' }))).toBe(false);
  });

  test('IAM allows looking at and redriving every execution of the account and Region, acknowledged for cdk-nag with the reason', () => {
    expect(deployed(executionResources)).toEqual(['arn:aws:states:us-east-1:123456789012:execution:*']);
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[];
    expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: aMessageNaming('allStateMachines'),
      applies_to: [{ regex: '/^Resource::arn:.+:states:.+:execution:\\*$/' }],
    }, {
      id: 'AwsSolutions-IAM5',
      reason: aMessageNaming('sweep', 'allStateMachines', 'ListExecutions'),
      applies_to: [{ regex: '/^Resource::arn:.+:states:.+:stateMachine:\\*$/' }],
    }]);
  });

  test('synthesizes without warnings', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('allStateMachines: false with a list is the list', () => {
    const listed = new Stack(new App(), 'TestStack');
    const machine = standardStateMachine(listed, 'M');
    new AutoRedrive(listed, 'AutoRedrive', { stateMachines: [machine], allStateMachines: false });
    const [rule] = Object.values(Template.fromStack(listed).findResources('AWS::Events::Rule')) as any[];
    expect(rule.Properties.EventPattern.detail.stateMachineArn).toEqual([listed.resolve(machine.stateMachineArn)]);
  });
});

describe('synth-time errors of the selection', () => {
  const attempt = (props: (stack: Stack) => AutoRedriveProps) => () => {
    const stack = new Stack(new App(), 'TestStack');
    new AutoRedrive(stack, 'A', props(stack));
  };

  const ALL_THREE = ['stateMachines', 'stateMachineNamePrefixes', 'allStateMachines'];
  test.each<[string, (stack: Stack) => AutoRedriveProps, Array<string | number>]>([
    ['none of the three', () => ({}), [...ALL_THREE, 'none']],
    ['allStateMachines: false alone', () => ({ allStateMachines: false }), [...ALL_THREE, 'none']],
    ['a list and prefixes', (stack) => ({ stateMachines: [standardStateMachine(stack, 'M')], stateMachineNamePrefixes: ['orders'] }), ALL_THREE],
    ['prefixes and every state machine', () => ({ stateMachineNamePrefixes: ['orders'], allStateMachines: true }), ALL_THREE],
    ['all three', (stack) => ({ stateMachines: [standardStateMachine(stack, 'M')], stateMachineNamePrefixes: ['orders'], allStateMachines: true }), ALL_THREE],
    ['an empty stateMachines', () => ({ stateMachines: [] }), ['stateMachines', 'Standard']],
    ['an empty list of prefixes', () => ({ stateMachineNamePrefixes: [] }), ['stateMachineNamePrefixes', 'allStateMachines']],
    ['an empty prefix', () => ({ stateMachineNamePrefixes: ['orders', ''] }), ['stateMachineNamePrefixes[1]', '""']],
    ['white space', () => ({ stateMachineNamePrefixes: ['my orders'] }), ['stateMachineNamePrefixes[0]', '"my orders"', 'U+0020']],
    ['a wildcard', () => ({ stateMachineNamePrefixes: ['orders*'] }), ['stateMachineNamePrefixes[0]', '"orders*"', 'U+002A']],
    ['a colon', () => ({ stateMachineNamePrefixes: ['orders:prod'] }), ['stateMachineNamePrefixes[0]', '"orders:prod"', 'U+003A']],
    ['a zero-width space', () => ({ stateMachineNamePrefixes: ['orders\u200b'] }), ['stateMachineNamePrefixes[0]', '"orders\u200b"', 'U+200B']],
    ['81 characters', () => ({ stateMachineNamePrefixes: ['p'.repeat(81)] }), ['stateMachineNamePrefixes[0]', `"${'p'.repeat(81)}"`, 80]],
    ['a prefix known only at deploy time', (stack) => ({ stateMachineNamePrefixes: ['orders', new CfnParameter(stack, 'Prefix').valueAsString] }),
      ['stateMachineNamePrefixes[1]', 'token', 'synth time']],
    ['a list known only at deploy time', (stack) => ({ stateMachineNamePrefixes: new CfnParameter(stack, 'Prefixes', { type: 'CommaDelimitedList' }).valueAsList }),
      ['stateMachineNamePrefixes', 'synth time']],
  ])('%s', (_name, props, facts) => {
    expect(attempt(props)).toThrow(naming(...facts));
  });

  test('an 80-character prefix is allowed', () => {
    expect(attempt(() => ({ stateMachineNamePrefixes: ['p'.repeat(80)] }))).not.toThrow();
  });

  test('selection problems are listed with every other problem in one error', () => {
    expect(attempt((stack) => ({
      stateMachines: [standardStateMachine(stack, 'Fast', { stateMachineType: sfn.StateMachineType.EXPRESS })],
      stateMachineNamePrefixes: ['a b', ''],
      maxRedrives: 0,
    }))).toThrow(naming(...ALL_THREE, 'TestStack/Fast', 'EXPRESS', 'stateMachineNamePrefixes[0]', 'stateMachineNamePrefixes[1]', 'maxRedrives'));
  });
});

describe('distinctPrefixes', () => {
  test('keeps, in order, the prefixes no other one covers, and covers every name the input covers', () => {
    const prefix = fc.stringMatching(/^[ab]{1,4}$/);
    fc.assert(fc.property(fc.array(prefix, { minLength: 1, maxLength: 8 }), fc.stringMatching(/^[ab]{0,6}$/), (prefixes, name) => {
      const kept = distinctPrefixes(prefixes);
      expect(kept.every((p) => prefixes.includes(p))).toBe(true);
      expect([...kept].sort((x, y) => prefixes.indexOf(x) - prefixes.indexOf(y))).toEqual(kept);
      expect(new Set(kept).size).toBe(kept.length);
      for (const p of kept) expect(kept.filter((q) => q !== p && p.startsWith(q))).toEqual([]);
      expect(kept.some((p) => name.startsWith(p))).toBe(prefixes.some((p) => name.startsWith(p)));
    }));
  });

  test('drops duplicates and covered prefixes', () => {
    expect(distinctPrefixes(['orders-eu', 'orders-', 'billing', 'orders-', 'bill'])).toEqual(['orders-', 'bill']);
  });
});

const newStack = () => new Stack(new App(), 'TestStack');

/** State machines imported by name: their ARNs are resolved at deploy time, their names known at synth time. */
const byName = (scope: Construct, count: number, nameLength: number) => Array.from({ length: count }, (_, i) =>
  sfn.StateMachine.fromStateMachineName(scope, `M${i}`, `${i}`.padStart(nameLength, 'n')));
/** State machines imported by a concrete ARN. */
const byArn = (scope: Construct, count: number, nameLength: number) => Array.from({ length: count }, (_, i) =>
  sfn.StateMachine.fromStateMachineArn(scope, `M${i}`, `arn:aws:states:us-east-1:123456789012:stateMachine:${`${i}`.padStart(nameLength, 'n')}`));

/** The ceilings below are the sweep's off: with it on, ListExecutions on each state machine takes room too (below). */
const off = Sweep.off();

describe('the managed policies IAM attaches to the handler\'s role', () => {
  /**
   * The length of a policy once deployed, its pseudo parameters replaced: at their longest in an
   * environment-agnostic stack, the partition of the stack's Region otherwise.
   */
  const deployedLength = (policy: any, stack: Stack) => {
    const agnostic = Token.isUnresolved(stack.region);
    const pseudo: Record<string, string> = {
      'AWS::Partition': agnostic ? 'aws-us-gov' : 'aws',
      'AWS::Region': 'us-isof-south-1',
      'AWS::AccountId': '123456789012',
    };
    return JSON.stringify(policy.Properties.PolicyDocument, (_key, value) => value && value['Fn::Join']
      ? value['Fn::Join'][1].map((part: any) => pseudo[part.Ref] ?? part).join('') : value).length;
  };

  test.each<[string, number, (scope: Construct, count: number) => sfn.IStateMachine[], { account: string; region: string } | undefined]>([
    ['80-character names, the longest', 390, (scope, count) => byName(scope, count, 80), undefined],
    ['20-character names known at synth time', 650, (scope, count) => byName(scope, count, 20), undefined],
    ['20-character names in concrete ARNs of the stack\'s account and Region', 780, (scope, count) => byArn(scope, count, 20),
      { account: '123456789012', region: 'us-east-1' }],
  ])('%s: %d state machines fit in 10 policies of at most 6,144 characters', (_name, ceiling, stateMachines, env) => {
    const stack = new Stack(new App(), 'TestStack', { env });
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: stateMachines(stack, ceiling), sweep: off });
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(10);
    for (const policy of policies) expect(deployedLength(policy, stack)).toBeLessThanOrEqual(6144);
  });

  test.each<[string, number, (scope: Construct, count: number) => sfn.IStateMachine[]]>([
    ['80-character names', 391, (scope, count) => byName(scope, count, 80)],
    ['20-character names known at synth time', 651, (scope, count) => byName(scope, count, 20)],
    ['20-character names in concrete ARNs', 781, (scope, count) => byArn(scope, count, 20)],
  ])('%s: %d state machines are a synth-time error that names the limit and recommends name prefixes', (_name, count, stateMachines) => {
    const stack = newStack();
    // The count, the policies it needs, IAM's limits, and the prop to use instead.
    expect(() => new AutoRedrive(stack, 'AutoRedrive', { stateMachines: stateMachines(stack, count), sweep: off }))
      .toThrow(naming('stateMachines', count, 11, '6,144', 10, 'stateMachineNamePrefixes'));
  });

  test('state machines created in the app, whose generated names are sized at 80 characters, share the ceiling of 390', () => {
    const stack = newStack();
    const stateMachines = Array.from({ length: 391 }, (_, i) => standardStateMachine(stack, `Machine${i}`));
    expect(() => new AutoRedrive(stack, 'AutoRedrive', { stateMachines, sweep: off })).toThrow(naming('stateMachines', 391, 11));
  });

  test('the same error is listed with every other problem', () => {
    const stack = newStack();
    expect(() => new AutoRedrive(stack, 'AutoRedrive', { stateMachines: byName(stack, 800, 80), maxRedrives: 0, sweep: off }))
      .toThrow(naming('stateMachines', 800, 21, 'maxRedrives'));
  });

  test('name prefixes that would need more than 10 policies are refused too, with their own advice', () => {
    const stack = newStack();
    const prefixes = Array.from({ length: 400 }, (_, i) => `${i}-`.padEnd(80, 'p'));
    expect(() => new AutoRedrive(stack, 'AutoRedrive', { stateMachineNamePrefixes: prefixes, sweep: off }))
      .toThrow(naming('stateMachineNamePrefixes', 400, 11, 'fewer'));
  });

  test('allStateMachines needs one policy with one resource', () => {
    const stack = newStack();
    new AutoRedrive(stack, 'AutoRedrive', { allStateMachines: true });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  });
});

describe('room in the IAM policies with the sweep on', () => {
  test('listing each state machine takes room too: the ceiling for the longest names is lower, and the error says how to get it back', () => {
    const fits = newStack();
    new AutoRedrive(fits, 'AutoRedrive', { stateMachines: byName(fits, SWEEP_ON_CEILING_80, 80) });
    Template.fromStack(fits).resourceCountIs('AWS::IAM::ManagedPolicy', 10);
    const over = newStack();
    expect(() => new AutoRedrive(over, 'AutoRedrive', { stateMachines: byName(over, SWEEP_ON_CEILING_80 + 1, 80) }))
      .toThrow(naming('stateMachines', SWEEP_ON_CEILING_80 + 1, 'ListExecutions', 'Sweep.off()'));
  });
});

/** 80-character names, the longest, with the sweep on: 19 per policy. */
const SWEEP_ON_CEILING_80 = 190;
