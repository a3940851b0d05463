import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive, AutoRedriveProps } from '../src';
import { handlerRoleStatements, standardStateMachine } from './support/stacks';

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
      reason: expect.stringMatching(/^stateMachineNamePrefixes: each wildcard covers the executions of the state machines whose names start with one chosen prefix/),
      applies_to: [{ regex: '/^Resource::arn:.+:states:.+:execution:[^*:]+\\*:\\*$/' }],
    }, {
      id: 'AwsSolutions-IAM5',
      reason: expect.stringMatching(/^The sweep with stateMachineNamePrefixes: ListExecutions on the state machines whose names start with one chosen prefix/),
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
      reason: expect.stringMatching(/^allStateMachines: the construct watches every state machine of the account and Region/),
      applies_to: [{ regex: '/^Resource::arn:.+:states:.+:execution:\\*$/' }],
    }, {
      id: 'AwsSolutions-IAM5',
      reason: expect.stringMatching(/^The sweep with allStateMachines: ListExecutions on every state machine of the account and Region/),
      applies_to: [{ regex: '/^Resource::arn:.+:states:.+:stateMachine:\\*$/' }],
    }]);
  });

  test('synthesizes without warnings', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('allStateMachines: false with a list is the list', () => {
    const listed = new Stack(new App(), 'TestStack');
    new AutoRedrive(listed, 'AutoRedrive', { stateMachines: [standardStateMachine(listed, 'M')], allStateMachines: false });
    const [rule] = Object.values(Template.fromStack(listed).findResources('AWS::Events::Rule')) as any[];
    expect(rule.Properties.EventPattern.detail.stateMachineArn).toEqual([{ Ref: expect.stringMatching(/^M[0-9A-F]{8}$/) }]);
  });
});

describe('synth-time errors of the selection', () => {
  const attempt = (props: (stack: Stack) => AutoRedriveProps) => () => {
    const stack = new Stack(new App(), 'TestStack');
    new AutoRedrive(stack, 'A', props(stack));
  };

  test.each<[string, (stack: Stack) => AutoRedriveProps, string]>([
    ['none of the three', () => ({}),
      'choose the state machines to watch with one of stateMachines, stateMachineNamePrefixes or allStateMachines: true; none was given'],
    ['allStateMachines: false alone', () => ({ allStateMachines: false }),
      'choose the state machines to watch with one of stateMachines, stateMachineNamePrefixes or allStateMachines: true; none was given'],
    ['a list and prefixes', (stack) => ({ stateMachines: [standardStateMachine(stack, 'M')], stateMachineNamePrefixes: ['orders'] }),
      'choose the state machines to watch with exactly one of stateMachines, stateMachineNamePrefixes and allStateMachines: true; stateMachines and stateMachineNamePrefixes were given'],
    ['prefixes and every state machine', () => ({ stateMachineNamePrefixes: ['orders'], allStateMachines: true }),
      'stateMachineNamePrefixes and allStateMachines were given'],
    ['all three', (stack) => ({ stateMachines: [standardStateMachine(stack, 'M')], stateMachineNamePrefixes: ['orders'], allStateMachines: true }),
      'stateMachines and stateMachineNamePrefixes and allStateMachines were given'],
    ['an empty list of prefixes', () => ({ stateMachineNamePrefixes: [] }),
      'stateMachineNamePrefixes must name at least one prefix (allStateMachines: true watches every state machine)'],
    ['an empty prefix', () => ({ stateMachineNamePrefixes: ['orders', ''] }),
      'stateMachineNamePrefixes[1]: the prefix "" is empty (allStateMachines: true watches every state machine)'],
    ['white space', () => ({ stateMachineNamePrefixes: ['my orders'] }),
      'stateMachineNamePrefixes[0]: the prefix "my orders" contains U+0020, which Step Functions does not allow in names'],
    ['a wildcard', () => ({ stateMachineNamePrefixes: ['orders*'] }),
      'stateMachineNamePrefixes[0]: the prefix "orders*" contains U+002A, which Step Functions does not allow in names'],
    ['a colon', () => ({ stateMachineNamePrefixes: ['orders:prod'] }),
      'stateMachineNamePrefixes[0]: the prefix "orders:prod" contains U+003A, which Step Functions does not allow in names'],
    ['a zero-width space', () => ({ stateMachineNamePrefixes: ['orders\u200b'] }),
      'stateMachineNamePrefixes[0]: the prefix "orders\u200b" contains U+200B, which Step Functions does not allow in names'],
    ['81 characters', () => ({ stateMachineNamePrefixes: ['p'.repeat(81)] }),
      `stateMachineNamePrefixes[0]: the prefix "${'p'.repeat(81)}" is longer than 80 characters`],
    ['a prefix known only at deploy time', (stack) => ({ stateMachineNamePrefixes: ['orders', new CfnParameter(stack, 'Prefix').valueAsString] }),
      'stateMachineNamePrefixes[1] is a token, known only at deploy time; a prefix must be known at synth time: the rules and the IAM policies are written with it'],
    ['a list known only at deploy time', (stack) => ({ stateMachineNamePrefixes: new CfnParameter(stack, 'Prefixes', { type: 'CommaDelimitedList' }).valueAsList }),
      'stateMachineNamePrefixes must be a list known at synth time: the rules and the IAM policies are written with the prefixes'],
  ])('%s', (_name, props, message) => {
    expect(attempt(props)).toThrow(message);
  });

  test('an 80-character prefix is allowed', () => {
    expect(attempt(() => ({ stateMachineNamePrefixes: ['p'.repeat(80)] }))).not.toThrow();
  });

  test('selection problems are listed with every other problem in one error', () => {
    expect(attempt((stack) => ({
      stateMachines: [standardStateMachine(stack, 'Fast', { stateMachineType: sfn.StateMachineType.EXPRESS })],
      stateMachineNamePrefixes: ['a b', ''],
      maxRedrives: 0,
    }))).toThrow(/exactly one of[\s\S]*\n- stateMachines: TestStack\/Fast is an EXPRESS[\s\S]*\n- stateMachineNamePrefixes\[0\][\s\S]*\n- stateMachineNamePrefixes\[1\][\s\S]*\n- maxRedrives must/);
  });
});
