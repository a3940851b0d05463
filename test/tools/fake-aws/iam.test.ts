import { PutEventsCommand, EventBridgeClient, DescribeRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DescribeExecutionCommand, ListExecutionsCommand, ListStateMachinesCommand, RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { FakeIam, matchesWildcard } from '../../../tools/fake-aws/iam';
import { errorOf, useFakeAws } from '../../support/sdk-environment';

const ACCOUNT = '123456789012';
const executionArn = (stateMachine: string, name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:execution:${stateMachine}:${name}`;
const stateMachineArn = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`;
const DEFAULT_BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`;
const SCHEDULER_ROLE = `arn:aws:iam::${ACCOUNT}:role/scheduler`;

describe('matchesWildcard', () => {
  test.each([
    ['*', 'anything:at/all', true],
    ['arn:aws:states:*:*:execution:orders:*', executionArn('orders', 'a'), true],
    ['arn:aws:states:*:*:execution:orders:*', executionArn('orders-2', 'a'), false],
    ['arn:aws:states:*:*:execution:orders*:*', executionArn('orders-2', 'a'), true],
    ['arn:aws:sqs:us-east-1:123456789012:dlq-?', 'arn:aws:sqs:us-east-1:123456789012:dlq-1', true],
    ['arn:aws:sqs:us-east-1:123456789012:dlq-?', 'arn:aws:sqs:us-east-1:123456789012:dlq-12', false],
    ['arn:aws:sqs:us-east-1:123456789012:dlq.1', 'arn:aws:sqs:us-east-1:123456789012:dlqx1', false],
    ['arn:aws:sqs:us-east-1:123456789012:(a|b)+', 'arn:aws:sqs:us-east-1:123456789012:(a|b)+', true],
    ['arn:aws:sqs:us-east-1:123456789012:Queue', 'arn:aws:sqs:us-east-1:123456789012:queue', false],
  ])('resource %s on %s: %s', (pattern, value, expected) => {
    expect(matchesWildcard(pattern, value)).toBe(expected);
  });

  test('actions match case-insensitively, with wildcards', () => {
    expect(matchesWildcard('states:redrive*', 'states:RedriveExecution', true)).toBe(true);
    expect(matchesWildcard('states:Describe?xecution', 'states:DescribeExecution', true)).toBe(true);
    expect(matchesWildcard('states:Describe*', 'states:RedriveExecution', true)).toBe(false);
  });
});

describe('FakeIam', () => {
  test('with no statements everything is allowed, and still recorded', () => {
    const iam = new FakeIam();
    expect(iam.authorize('states:RedriveExecution', executionArn('orders', 'a'))).toEqual({ allowed: true });
    expect(iam.decisions).toEqual([{ action: 'states:RedriveExecution', resource: executionArn('orders', 'a'), allowed: true }]);
  });

  test('an explicit Deny wins over any Allow; no Allow is an implicit deny', () => {
    const iam = new FakeIam();
    iam.allow([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: ['states:Redrive*'], Resource: 'arn:aws:states:*:*:execution:secret*:*' },
    ]);
    expect(iam.evaluate('states:RedriveExecution', executionArn('secret-orders', 'a'))).toEqual({ allowed: false, reason: 'explicit-deny' });
    expect(iam.evaluate('states:RedriveExecution', executionArn('orders', 'a'))).toEqual({ allowed: true });

    const narrow = new FakeIam();
    narrow.allow({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*:*:dlq' });
    expect(narrow.evaluate('sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:other')).toEqual({ allowed: false, reason: 'no-allow' });
  });

  test('NotAction and NotResource; conditions are treated as satisfied', () => {
    const iam = new FakeIam();
    iam.allow([
      { Effect: 'Allow', NotAction: 'iam:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } },
      { Effect: 'Deny', Action: 'sqs:*', NotResource: 'arn:aws:sqs:*:*:dlq' },
    ]);
    expect(iam.evaluate('states:DescribeExecution', 'x').allowed).toBe(true);
    expect(iam.evaluate('iam:PassRole', SCHEDULER_ROLE).allowed).toBe(false);
    expect(iam.evaluate('sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:dlq').allowed).toBe(true);
    expect(iam.evaluate('sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:other').allowed).toBe(false);
  });

  test('allow([]) denies everything; reset() allows everything again', () => {
    const iam = new FakeIam();
    iam.allow([]);
    expect(iam.evaluate('states:ListStateMachines', '*').allowed).toBe(false);
    iam.reset();
    expect(iam.evaluate('states:ListStateMachines', '*').allowed).toBe(true);
  });

  test('a malformed statement is refused', () => {
    const iam = new FakeIam();
    expect(() => iam.allow({ Effect: 'Allow', Resource: '*' })).toThrow(/Action/);
    expect(() => iam.allow({ Effect: 'Allow', Action: '*' })).toThrow(/Resource/);
    expect(() => iam.allow({ Effect: 'allow' as any, Action: '*', Resource: '*' })).toThrow(/Effect/);
  });
});

describe('the fake authorizes every call with the IAM action and resource the service documents', () => {
  const fake = useFakeAws();
  let sfn: SFNClient;
  let sqs: SQSClient;
  let events: EventBridgeClient;
  let scheduler: SchedulerClient;
  beforeEach(() => {
    sfn = new SFNClient({ maxAttempts: 1 });
    sqs = new SQSClient({ maxAttempts: 1 });
    events = new EventBridgeClient({ maxAttempts: 1 });
    scheduler = new SchedulerClient({ maxAttempts: 1 });
  });
  afterEach(() => {
    for (const client of [sfn, sqs, events, scheduler]) client.destroy();
  });

  const expectDenied = (error: any, action: string, resource: string) => {
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toContain(`perform: ${action} on resource: ${resource}`);
  };

  test('with no statements every call is allowed, and every decision recorded', async () => {
    fake().stepFunctions.addExecution(executionArn('orders', 'a'));
    await sfn.send(new RedriveExecutionCommand({ executionArn: executionArn('orders', 'a') }));
    expect(fake().iam.decisions).toEqual([{ action: 'states:RedriveExecution', resource: executionArn('orders', 'a'), allowed: true }]);
  });

  test('states:RedriveExecution and DescribeExecution on the execution ARN', async () => {
    fake().iam.allow({ Effect: 'Allow', Action: ['states:RedriveExecution', 'states:DescribeExecution'], Resource: 'arn:aws:states:us-east-1:123456789012:execution:orders:*' });
    for (const arn of [executionArn('orders', 'a'), executionArn('payments', 'b')]) fake().stepFunctions.addExecution(arn);

    await expect(sfn.send(new RedriveExecutionCommand({ executionArn: executionArn('orders', 'a') }))).resolves.toBeDefined();
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: executionArn('orders', 'a') }))).resolves.toMatchObject({ status: 'RUNNING' });
    expectDenied(await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn: executionArn('payments', 'b') }))),
      'states:RedriveExecution', executionArn('payments', 'b'));
    expectDenied(await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: executionArn('payments', 'b') }))),
      'states:DescribeExecution', executionArn('payments', 'b'));

    expect(fake().stepFunctions.redrivesOf(executionArn('payments', 'b'))).toBe(0);
    expect(fake().iam.decisions.map((d) => d.allowed)).toEqual([true, true, false, false]);
  });

  test('a grant on the state machine ARN does not cover its executions', async () => {
    fake().iam.allow({ Effect: 'Allow', Action: 'states:RedriveExecution', Resource: stateMachineArn('orders') });
    fake().stepFunctions.addExecution(executionArn('orders', 'a'));
    expect((await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn: executionArn('orders', 'a') })))).name).toBe('AccessDeniedException');
  });

  test('states:ListExecutions on the state machine ARN; states:ListStateMachines on *', async () => {
    fake().iam.allow([
      { Effect: 'Allow', Action: 'states:ListExecutions', Resource: stateMachineArn('orders') },
      { Effect: 'Allow', Action: 'states:ListStateMachines', Resource: '*' },
    ]);
    expectDenied(await errorOf(sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineArn('payments') }))),
      'states:ListExecutions', stateMachineArn('payments'));
    // Allowed: answered.
    fake().stepFunctions.addStateMachine('orders');
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineArn('orders') }))).executions).toEqual([]);
    expect((await sfn.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([expect.objectContaining({ name: 'orders' })]);
    expect(fake().iam.decisions).toEqual([
      { action: 'states:ListExecutions', resource: stateMachineArn('payments'), allowed: false },
      { action: 'states:ListExecutions', resource: stateMachineArn('orders'), allowed: true },
      { action: 'states:ListStateMachines', resource: '*', allowed: true },
    ]);
  });

  test('sqs:SendMessage on the queue ARN of the QueueUrl', async () => {
    const dlq = fake().createQueue('dlq');
    const other = fake().createQueue('other');
    fake().iam.allow({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq` });

    await expect(sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: '{}' }))).resolves.toBeDefined();
    expectDenied(await errorOf(sqs.send(new SendMessageCommand({ QueueUrl: other, MessageBody: '{}' }))), 'sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:other`);

    expect(fake().sqs.messages.get(other)).toEqual([]);
  });

  test('events:PutEvents on the ARN of each entry\'s bus: default when absent or named so, an ARN as is', async () => {
    const otherBus = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/other`;
    fake().iam.allow({ Effect: 'Allow', Action: 'events:PutEvents', Resource: DEFAULT_BUS });
    const entry = { Source: 'cdk-stepfunctions-redrive', DetailType: 't', Detail: '{}' };

    await events.send(new PutEventsCommand({ Entries: [entry, { ...entry, EventBusName: 'default' }, { ...entry, EventBusName: DEFAULT_BUS }] }));
    expectDenied(await errorOf(events.send(new PutEventsCommand({ Entries: [entry, { ...entry, EventBusName: otherBus }] }))), 'events:PutEvents', otherBus);
    expectDenied(await errorOf(events.send(new PutEventsCommand({ Entries: [{ ...entry, EventBusName: 'other' }] }))), 'events:PutEvents', otherBus);

    expect(fake().eventBridge.published).toHaveLength(3);
    expect(fake().iam.decisions).toEqual([
      { action: 'events:PutEvents', resource: DEFAULT_BUS, allowed: true },
      { action: 'events:PutEvents', resource: DEFAULT_BUS, allowed: true },
      { action: 'events:PutEvents', resource: otherBus, allowed: false },
      { action: 'events:PutEvents', resource: otherBus, allowed: false },
    ]);
  });

  test('events:DescribeRule on the rule ARN', async () => {
    fake().eventBridge.putRule('Auto-1', { source: ['aws.states'] });
    fake().eventBridge.putRule('Other-1', { source: ['aws.states'] });
    fake().iam.allow({ Effect: 'Allow', Action: 'events:DescribeRule', Resource: `arn:aws:events:us-east-1:${ACCOUNT}:rule/Auto-*` });
    await expect(events.send(new DescribeRuleCommand({ Name: 'Auto-1' }))).resolves.toMatchObject({ Name: 'Auto-1' });
    expectDenied(await errorOf(events.send(new DescribeRuleCommand({ Name: 'Other-1' }))), 'events:DescribeRule', `arn:aws:events:us-east-1:${ACCOUNT}:rule/Other-1`);
  });

  describe('scheduler:CreateSchedule on the schedule ARN, and iam:PassRole on the target role', () => {
    const create = (name: string, group = 'redrives', RoleArn = SCHEDULER_ROLE) => scheduler.send(new CreateScheduleCommand({
      Name: name,
      GroupName: group,
      ScheduleExpression: 'at(2030-01-01T00:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:handler', RoleArn, Input: '{}' },
    }));
    beforeEach(() => {
      fake().scheduler.createGroup('redrives');
      fake().scheduler.createGroup('elsewhere');
    });

    test('both granted: created, two decisions', async () => {
      fake().iam.allow([
        { Effect: 'Allow', Action: 'scheduler:CreateSchedule', Resource: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/redrives/*` },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: SCHEDULER_ROLE, Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } } },
      ]);
      await expect(create('s-1')).resolves.toMatchObject({ ScheduleArn: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/redrives/s-1` });
      expect(fake().iam.decisions).toEqual([
        { action: 'scheduler:CreateSchedule', resource: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/redrives/s-1`, allowed: true },
        { action: 'iam:PassRole', resource: SCHEDULER_ROLE, allowed: true },
      ]);
    });

    test('without iam:PassRole: AccessDeniedException over REST JSON, nothing created', async () => {
      fake().iam.allow({ Effect: 'Allow', Action: 'scheduler:CreateSchedule', Resource: '*' });
      expectDenied(await errorOf(create('s-1')), 'iam:PassRole', SCHEDULER_ROLE);
      expect(fake().scheduler.schedules.size).toBe(0);
    });

    test('PassRole of another role, or a schedule in another group, is denied', async () => {
      fake().iam.allow([
        { Effect: 'Allow', Action: 'scheduler:CreateSchedule', Resource: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/redrives/*` },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: SCHEDULER_ROLE },
      ]);
      expectDenied(await errorOf(create('s-1', 'redrives', `arn:aws:iam::${ACCOUNT}:role/admin`)), 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`);
      expectDenied(await errorOf(create('s-2', 'elsewhere')), 'scheduler:CreateSchedule', `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/elsewhere/s-2`);
      expect(fake().scheduler.schedules.size).toBe(0);
    });
  });

  test('a Deny statement wins over an Allow of everything', async () => {
    fake().iam.allow([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'states:*', Resource: 'arn:aws:states:*:*:execution:payments:*' },
    ]);
    for (const arn of [executionArn('orders', 'a'), executionArn('payments', 'b')]) fake().stepFunctions.addExecution(arn);
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn: executionArn('orders', 'a') }))).resolves.toBeDefined();
    const error = await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn: executionArn('payments', 'b') })));
    expectDenied(error, 'states:RedriveExecution', executionArn('payments', 'b'));
    expect(error.message).toContain('explicit deny');
  });

  test('faults from the fault plan come before IAM', async () => {
    fake().iam.allow([]);
    fake().faults.inject('DescribeExecution', { kind: 'error', code: 'ThrottlingException' });
    expect((await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: executionArn('orders', 'a') })))).name).toBe('ThrottlingException');
    expect(fake().iam.decisions).toEqual([]);
    expect((await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: executionArn('orders', 'a') })))).name).toBe('AccessDeniedException');
  });
});
