import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Arn, ArnFormat, Annotations as CoreAnnotations, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { AutoRedrive } from '../../src';
import { aMessageNaming, naming } from '../support/messages';

const NOT_GRANTED = 'cdk-stepfunctions-redrive:MapRunRedriveNotGranted';
const UNVERIFIED = 'cdk-stepfunctions-redrive:MapRunRedriveUnverified';
const US_EAST_1 = { account: '123456789012', region: 'us-east-1' };
/** The statement the role of the state machine named orders needs, in us-east-1 of 123456789012. */
const ORDERS_STATEMENT = '{"Effect":"Allow","Action":"states:RedriveExecution","Resource":"arn:aws:states:us-east-1:123456789012:execution:orders/*:*"}';

/** A Distributed Map whose items each go through a Pass state. */
function distributedMap(scope: Construct, id: string, props: sfn.DistributedMapProps = {}): sfn.DistributedMap {
  return new sfn.DistributedMap(scope, id, props).itemProcessor(new sfn.Pass(scope, `${id}Item`));
}

function machine(scope: Construct, id: string, definition: sfn.IChainable, props: Partial<sfn.StateMachineProps> = {}): sfn.StateMachine {
  return new sfn.StateMachine(scope, id, { definitionBody: sfn.DefinitionBody.fromChainable(definition), ...props });
}

/** The statements allowing states:RedriveExecution in the stack's AWS::IAM::Policy resources, with the roles of their policy. */
function redriveGrants(stack: Stack): Array<{ resource: unknown; roles: unknown; policy: string }> {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.entries(policies).flatMap(([policy, { Properties }]: [string, any]) => Properties.PolicyDocument.Statement
    .filter((statement: any) => [statement.Action].flat().includes('states:RedriveExecution'))
    .map((statement: any) => ({ resource: statement.Resource, roles: Properties.Roles, policy })));
}

/** The execution ARN pattern `arn:${Partition}:states:${Region}:${AccountId}:execution:<name part>/*:*` as the template joins it. */
function childExecutionsArn(name: unknown): unknown {
  return {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':execution:', name, '/*:*']],
  };
}

const NAMED_ORDERS_CHILD_EXECUTIONS = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':execution:orders/*:*']],
};

function warningsOf(stack: Stack, id: string): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(id)).map((warning) => String(warning.entry.data));
}

/** Synthesizes the stacks: Template.fromStack refuses a template whose resources depend on each other in a cycle. */
function expectNoCycle(...stacks: Stack[]): void {
  for (const stack of stacks) expect(() => Template.fromStack(stack)).not.toThrow();
}

/** Whether the construct added its policy to the state machine, once the app is synthesized. */
function granted(stateMachine: sfn.StateMachine): boolean {
  Template.fromStack(Stack.of(stateMachine));
  return stateMachine.node.tryFindChild('AutoRedriveMapRunRedrivePolicy') !== undefined;
}

describe('a watched state machine of the app with a Distributed Map', () => {
  test('a generated name: a policy of its own grants RedriveExecution on its Map Runs\' child executions, without a cycle', () => {
    const stack = new Stack(new App(), 'TestStack');
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan'));
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });

    const logicalId = stack.getLogicalId(orders.node.defaultChild as sfn.CfnStateMachine);
    const roleId = stack.getLogicalId(orders.role.node.defaultChild as iam.CfnRole);
    expect(redriveGrants(stack).filter(({ roles }) => JSON.stringify(roles).includes(roleId))).toEqual([{
      resource: childExecutionsArn({ 'Fn::GetAtt': [logicalId, 'Name'] }),
      roles: [{ Ref: roleId }],
      policy: expect.stringMatching(/^OrdersAutoRedriveMapRunRedrivePolicy/),
    }]);
    expectNoCycle(stack);
    expect(warningsOf(stack, 'MapRunRedrive')).toEqual([]);
  });

  test('the cycle check finds the cycle the role\'s default policy would make', () => {
    const stack = new Stack(new App(), 'TestStack');
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan'));
    orders.addToRolePolicy(new iam.PolicyStatement({
      actions: ['states:RedriveExecution'],
      resources: [stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${orders.stateMachineName}/*:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }));
    expect(() => Template.fromStack(stack)).toThrow(naming('cycle', 'OrdersRoleDefaultPolicy'));
  });

  test('a physical name: the ARN names it', () => {
    const stack = new Stack(new App(), 'TestStack');
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan'), { stateMachineName: 'orders' });
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    expect(redriveGrants(stack).filter(({ policy }) => policy.startsWith('Orders')).map(({ resource }) => resource)).toEqual([NAMED_ORDERS_CHILD_EXECUTIONS]);
    expectNoCycle(stack);
  });

  test('the state machine in another stack than the AutoRedrive: the policy is in the state machine\'s stack, and the app synthesizes', () => {
    const app = new App();
    const workflows = new Stack(app, 'Workflows');
    const operations = new Stack(app, 'Operations');
    const generated = machine(workflows, 'Generated', distributedMap(workflows, 'FanA'));
    const named = machine(workflows, 'Named', distributedMap(workflows, 'FanB'), { stateMachineName: 'named' });
    new AutoRedrive(operations, 'AutoRedrive', { stateMachines: [generated, named] });

    expect(() => app.synth()).not.toThrow();
    expect(redriveGrants(workflows).map(({ resource }) => resource)).toEqual(expect.arrayContaining([
      childExecutionsArn({ 'Fn::GetAtt': [workflows.getLogicalId(generated.node.defaultChild as sfn.CfnStateMachine), 'Name'] }),
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':execution:named/*:*']] },
    ]));
    expect(redriveGrants(workflows)).toHaveLength(2);
    expect(JSON.stringify(Template.fromStack(operations).toJSON())).not.toContain('/*:*');
    expect(workflows.dependencies).toEqual([]);
    expectNoCycle(workflows, operations);
  });

  test.each([
    ['inside a Parallel branch', (scope: Construct) => new sfn.Parallel(scope, 'Both').branch(new sfn.Pass(scope, 'Other')).branch(distributedMap(scope, 'Fan'))],
    ['inside an inline Map', (scope: Construct) => new sfn.Map(scope, 'Outer').itemProcessor(distributedMap(scope, 'Fan'))],
    ['inside another Distributed Map', (scope: Construct) => new sfn.DistributedMap(scope, 'Outer').itemProcessor(distributedMap(scope, 'Fan'))],
    ['after other states, inside a Parallel inside a Map', (scope: Construct) => new sfn.Pass(scope, 'First').next(
      new sfn.Map(scope, 'Outer').itemProcessor(new sfn.Parallel(scope, 'Both').branch(distributedMap(scope, 'Fan'))))],
  ])('a Distributed Map %s is found', (_, definition) => {
    const stack = new Stack(new App(), 'TestStack');
    const orders = machine(stack, 'Orders', definition(stack));
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    const roleId = stack.getLogicalId(orders.role.node.defaultChild as iam.CfnRole);
    expect(redriveGrants(stack).filter(({ roles }) => JSON.stringify(roles).includes(roleId))).toHaveLength(1);
    expectNoCycle(stack);
  });

  test('a definition given as a string, with tokens and a Distributed Map in a Parallel branch', () => {
    const stack = new Stack(new App(), 'TestStack');
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=()=>1') });
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          End: true,
          Branches: [{
            StartAt: 'Fan',
            States: {
              Fan: {
                Type: 'Map',
                End: true,
                ItemProcessor: {
                  ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
                  StartAt: 'Call',
                  States: { Call: { Type: 'Task', Resource: fn.functionArn, End: true } },
                },
              },
            },
          }],
        },
      },
    };
    const orders = new sfn.StateMachine(stack, 'Orders', { definitionBody: sfn.DefinitionBody.fromString(stack.toJsonString(definition)) });
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    expect(redriveGrants(stack).map(({ resource }) => resource)).toContainEqual(
      childExecutionsArn({ 'Fn::GetAtt': [stack.getLogicalId(orders.node.defaultChild as sfn.CfnStateMachine), 'Name'] }));
    expectNoCycle(stack);
  });

  test('a definition given as an object (Definition)', () => {
    const stack = new Stack(new App(), 'TestStack');
    const orders = new sfn.StateMachine(stack, 'Orders', { definitionBody: sfn.DefinitionBody.fromString('{}') });
    const resource = orders.node.defaultChild as sfn.CfnStateMachine;
    resource.definitionString = undefined;
    resource.definition = {
      StartAt: 'Fan',
      States: { Fan: { Type: 'Map', End: true, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } } },
    };
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    expect(redriveGrants(stack)).toHaveLength(1);
  });

  test('two AutoRedrive constructs watching it: one policy', () => {
    const stack = new Stack(new App(), 'TestStack');
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan'));
    new AutoRedrive(stack, 'A', { stateMachines: [orders] });
    new AutoRedrive(stack, 'B', { stateMachines: [orders] });
    const roleId = stack.getLogicalId(orders.role.node.defaultChild as iam.CfnRole);
    expect(redriveGrants(stack).filter(({ roles }) => JSON.stringify(roles).includes(roleId))).toHaveLength(1);
  });
});

describe('nothing is added where nothing is missing', () => {
  test.each([
    ['no Map', (scope: Construct) => new sfn.Pass(scope, 'Only')],
    ['an inline Map only', (scope: Construct) => new sfn.Map(scope, 'Inline').itemProcessor(new sfn.Pass(scope, 'Item'))],
    ['"DISTRIBUTED" only as data', (scope: Construct) => new sfn.Pass(scope, 'Only', { parameters: { Type: 'Map', Mode: 'DISTRIBUTED' } })],
  ])('a state machine with %s: no policy, no warning', (_, definition) => {
    const stack = new Stack(new App(), 'TestStack');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [machine(stack, 'Orders', definition(stack))] });
    expect(redriveGrants(stack).filter(({ policy }) => policy.startsWith('Orders'))).toEqual([]);
    expect(warningsOf(stack, 'MapRunRedrive')).toEqual([]);
  });

  test('the role already allows it on the child executions (added by the user): no second grant', () => {
    const stack = new Stack(new App(), 'TestStack', { env: US_EAST_1 });
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan'), { stateMachineName: 'orders' });
    orders.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:Redrive*'], resources: ['arn:aws:states:us-east-1:123456789012:execution:orders/*'] }));
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    expect(granted(orders)).toBe(false);
    expect(warningsOf(stack, 'MapRunRedrive')).toEqual([]);
  });

  test('a grant that covers another state machine\'s executions only does not count', () => {
    const stack = new Stack(new App(), 'TestStack', { env: US_EAST_1 });
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan'), { stateMachineName: 'orders' });
    orders.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:RedriveExecution'], resources: ['arn:aws:states:us-east-1:123456789012:execution:billing/*:*'] }));
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    expect(granted(orders)).toBe(true);
  });

  test('the grant newer aws-cdk-lib versions add (a policy beside the state machine, the name split from its ARN, per label)', () => {
    const stack = new Stack(new App(), 'TestStack');
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan', { label: 'fan' }).next(distributedMap(stack, 'Again', { label: 'again' })));
    const name = Arn.split(orders.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
    const policy = new iam.Policy(orders, 'LibraryDistributedMapPolicy');
    orders.role.attachInlinePolicy(policy);
    policy.addStatements(new iam.PolicyStatement({
      actions: ['states:RedriveExecution'],
      resources: ['fan', 'again'].map((label) => stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}/${label}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
    }));
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    expect(granted(orders)).toBe(false);
  });

  test('one label of two covered: the grant is added', () => {
    const stack = new Stack(new App(), 'TestStack');
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan', { label: 'fan' }).next(distributedMap(stack, 'Again', { label: 'again' })));
    new iam.Policy(orders, 'Partial', {
      roles: [orders.role],
      statements: [new iam.PolicyStatement({
        actions: ['states:RedriveExecution'],
        resources: [stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${orders.stateMachineName}/fan:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      })],
    });
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    expect(granted(orders)).toBe(true);
  });
});

describe('warnings where the construct cannot grant or cannot tell', () => {
  test('an imported state machine: a warning naming the exact statement, which can be acknowledged', () => {
    const stack = new Stack(new App(), 'TestStack', { env: US_EAST_1 });
    const imported = sfn.StateMachine.fromStateMachineArn(stack, 'Orders', 'arn:aws:states:us-east-1:123456789012:stateMachine:orders');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [imported] });
    // The state machine, why it cannot be read, the statement its role needs, and the id that acknowledges the warning.
    expect(warningsOf(stack, UNVERIFIED)).toEqual([aMessageNaming('TestStack/Orders', '"orders"', 'imported', ORDERS_STATEMENT, UNVERIFIED)]);

    const acknowledged = new Stack(new App(), 'TestStack', { env: US_EAST_1 });
    new AutoRedrive(acknowledged, 'AutoRedrive', {
      stateMachines: [sfn.StateMachine.fromStateMachineName(acknowledged, 'Orders', 'orders')],
    });
    // Acknowledged on the stack: aws-cdk-lib looks for acknowledgements above the construct that warns.
    CoreAnnotations.of(acknowledged).acknowledgeWarning(UNVERIFIED, 'its role has the statement');
    expect(warningsOf(acknowledged, UNVERIFIED)).toEqual([]);
  });

  test('an imported, immutable role: a warning, no policy', () => {
    const stack = new Stack(new App(), 'TestStack', { env: US_EAST_1 });
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/orders', { mutable: false });
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan'), { stateMachineName: 'orders', role });
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    expect(redriveGrants(stack)).toEqual([]);
    // The state machine, why the construct cannot grant (the role is no iam.Role of the app), and the statement to add.
    expect(warningsOf(stack, NOT_GRANTED)).toEqual([aMessageNaming('TestStack/Orders', '"orders"', 'iam.Role', ORDERS_STATEMENT)]);
  });

  test('an imported role the app attaches the statement to: no warning, no policy', () => {
    const stack = new Stack(new App(), 'TestStack', { env: US_EAST_1 });
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/orders');
    new iam.Policy(stack, 'MapRuns', {
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: ['states:RedriveExecution'], resources: ['arn:aws:states:us-east-1:123456789012:execution:orders/*:*'] })],
    });
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan'), { stateMachineName: 'orders', role });
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    expect(warningsOf(stack, 'MapRunRedrive')).toEqual([]);
    expect(granted(orders)).toBe(false);
  });

  test('the same imported role without the statement: a warning', () => {
    const stack = new Stack(new App(), 'TestStack', { env: US_EAST_1 });
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/orders');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [machine(stack, 'Orders', distributedMap(stack, 'Fan'), { stateMachineName: 'orders', role })] });
    expect(warningsOf(stack, NOT_GRANTED)).toHaveLength(1);
  });

  test('an imported role without a Distributed Map: no warning', () => {
    const stack = new Stack(new App(), 'TestStack');
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/orders', { mutable: false });
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [machine(stack, 'Orders', new sfn.Pass(stack, 'Only'), { role })] });
    expect(warningsOf(stack, 'MapRunRedrive')).toEqual([]);
  });

  test('a definition kept in S3: a warning, with the unknown name and environment as placeholders', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'definition-'));
    const file = path.join(dir, 'definition.asl.json');
    fs.writeFileSync(file, JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }));
    const stack = new Stack(new App(), 'TestStack');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [new sfn.StateMachine(stack, 'Orders', { definitionBody: sfn.DefinitionBody.fromFile(file) })] });
    // The state machine, why its definition cannot be read, and the statement with the unknown name and environment as placeholders.
    expect(warningsOf(stack, UNVERIFIED)).toEqual([aMessageNaming('TestStack/Orders', 'S3',
      '{"Effect":"Allow","Action":"states:RedriveExecution","Resource":"arn:<partition>:states:<region>:<account>:execution:<state machine name>/*:*"}')]);
    expect(redriveGrants(stack)).toEqual([]);
  });
});

describe('definition substitutions', () => {
  const WAIT_THEN_MAP = '{"StartAt":"Wait","States":{"Wait":{"Type":"Wait","Seconds":${delay},"Next":"Fan"},' +
    '"Fan":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"${mode}"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}';

  function watchedWith(substitutions: Record<string, string>) {
    const stack = new Stack(new App(), 'TestStack');
    const orders = new sfn.StateMachine(stack, 'Orders', {
      stateMachineName: 'orders', definitionBody: sfn.DefinitionBody.fromString(WAIT_THEN_MAP), definitionSubstitutions: substitutions,
    });
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    return { stack, orders };
  }

  test('a placeholder where a number goes is read as its value: a Distributed Map through a substitution is granted, without a warning', () => {
    const { stack, orders } = watchedWith({ delay: '5', mode: 'DISTRIBUTED' });
    expect(granted(orders)).toBe(true);
    expect(warningsOf(stack, UNVERIFIED)).toEqual([]);
  });

  test('an inline Map through a substitution: nothing added, no warning', () => {
    const { stack, orders } = watchedWith({ delay: '5', mode: 'INLINE' });
    expect(granted(orders)).toBe(false);
    expect(warningsOf(stack, UNVERIFIED)).toEqual([]);
  });
});

describe('a role with a permissions boundary', () => {
  function withBoundary(boundaryOf: (stack: Stack) => iam.IManagedPolicy) {
    const stack = new Stack(new App(), 'TestStack', { env: US_EAST_1 });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com'), permissionsBoundary: boundaryOf(stack) });
    const orders = machine(stack, 'Orders', distributedMap(stack, 'Fan'), { stateMachineName: 'orders', role });
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [orders] });
    return { stack, orders };
  }
  const boundaryAllowing = (actions: string[]) => (stack: Stack) => new iam.ManagedPolicy(stack, 'Boundary', {
    statements: [new iam.PolicyStatement({ actions, resources: ['*'] })],
  });

  test('that does not allow it: the grant is added, and a warning says the boundary must allow it too', () => {
    const { stack, orders } = withBoundary(boundaryAllowing(['lambda:InvokeFunction']));
    expect(granted(orders)).toBe(true);
    expect(warningsOf(stack, NOT_GRANTED)).toEqual([aMessageNaming('permissions boundary', '"Action":"states:RedriveExecution"')]);
  });

  test('that allows it: the grant, and no warning', () => {
    const { stack, orders } = withBoundary(boundaryAllowing(['states:*', 'lambda:InvokeFunction']));
    expect(granted(orders)).toBe(true);
    expect(warningsOf(stack, NOT_GRANTED)).toEqual([]);
  });

  test('that the app does not define: a warning that it cannot be read', () => {
    const { stack } = withBoundary((scope) => iam.ManagedPolicy.fromManagedPolicyName(scope, 'Boundary', 'org-boundary'));
    expect(warningsOf(stack, NOT_GRANTED)).toEqual([aMessageNaming('permissions boundary', 'read')]);
  });
});

describe('state machines of the app covered by prefixes or allStateMachines', () => {
  function app3() {
    const app = new App();
    const workflows = new Stack(app, 'Workflows', { env: US_EAST_1 });
    const elsewhere = new Stack(app, 'Elsewhere', { env: { account: '123456789012', region: 'eu-west-1' } });
    const operations = new Stack(app, 'Operations', { env: US_EAST_1 });
    const covered = machine(workflows, 'OrdersEu', distributedMap(workflows, 'FanA'), { stateMachineName: 'orders-eu' });
    const other = machine(workflows, 'Billing', distributedMap(workflows, 'FanB'), { stateMachineName: 'billing' });
    const generated = machine(workflows, 'Generated', distributedMap(workflows, 'FanC'));
    const otherRegion = machine(elsewhere, 'OrdersUs', distributedMap(elsewhere, 'FanD'), { stateMachineName: 'orders-us' });
    return { app, workflows, elsewhere, operations, covered, other, generated, otherRegion };
  }

  test('a prefix: the state machines whose known name starts with it, in the same account and Region, defined before or after', () => {
    const { app, workflows, operations, covered, other, generated, otherRegion } = app3();
    new AutoRedrive(operations, 'AutoRedrive', { stateMachineNamePrefixes: ['orders'] });
    const later = machine(workflows, 'OrdersLater', distributedMap(workflows, 'FanE'), { stateMachineName: 'orders-later' });
    app.synth();
    expect([covered, later, other, generated, otherRegion].map(granted)).toEqual([true, true, false, false, false]);
    expectNoCycle(workflows, operations);
  });

  test('allStateMachines: every state machine of the app in the same account and Region', () => {
    const { app, operations, covered, other, generated, otherRegion } = app3();
    new AutoRedrive(operations, 'AutoRedrive', { allStateMachines: true });
    app.synth();
    expect([covered, other, generated, otherRegion].map(granted)).toEqual([true, true, true, false]);
    expect(warningsOf(operations, 'MapRunRedrive')).toEqual([]);
  });
});

describe('cdk-nag', () => {
  test('checks the policy the construct adds, and finds its wildcard acknowledged', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'NagStack');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [machine(stack, 'Orders', distributedMap(stack, 'Fan'))] });
    Aspects.of(app).add(new AwsSolutionsChecks({ reports: true }));
    app.synth();
    const report = fs.readdirSync(outdir).find((file) => file.startsWith('AwsSolutions') && file.endsWith('NagReport.csv'))!;
    const rows = fs.readFileSync(path.join(outdir, report), 'utf8').split('\n')
      .filter((row) => row.includes('Orders/AutoRedriveMapRunRedrivePolicy/Resource'));
    expect(rows).toEqual([expect.stringMatching(new RegExp('^"AwsSolutions-IAM5","NagStack/Orders/AutoRedriveMapRunRedrivePolicy/Resource","Suppressed",' +
      '"\\[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<Orders\\w+\\.Name>/\\*:\\*\\] A Distributed Map'))]);
    expect(Annotations.fromStack(stack).findError('/NagStack/Orders/AutoRedriveMapRunRedrivePolicy/Resource', Match.anyValue())).toEqual([]);
  });
});
