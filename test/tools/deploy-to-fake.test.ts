import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DescribeExecutionCommand, RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { deployToFake } from '../../tools/deploy-to-fake';
import { errorOf, useFakeAws } from '../support/sdk-environment';

const ACCOUNT = '123456789012';
const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const arnPrefix = (service: string) => join('arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':');
const IMPORTED_MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:imported`;
/** The handler's logical id: deployToFake finds the function whose logical id starts with AutoRedriveHandler, whatever its hash. */
const HANDLER_ID = 'AutoRedriveHandler0A1B2C3D';

/** A template shaped like the construct's, with the handler's role under a logical id that does not give it away. */
function template(options: { scheduleGroup?: boolean; queue?: boolean } = {}): any {
  const { scheduleGroup = true, queue = true } = options;
  const resources: Record<string, any> = {
    Orders1234: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
    ExecRoleABCD: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [{
          PolicyName: 'inline',
          PolicyDocument: {
            Statement: [
              { Effect: 'Allow', Action: 'states:DescribeExecution', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:imported:*' } },
            ],
          },
        }],
      },
    },
    SchedulerRole9: { Type: 'AWS::IAM::Role', Properties: {} },
    OtherRole: { Type: 'AWS::IAM::Role', Properties: {} },
    [HANDLER_ID]: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Role: { 'Fn::GetAtt': ['ExecRoleABCD', 'Arn'] },
        Environment: {
          Variables: {
            QUEUE_URL: queue ? { Ref: 'Dlq1' } : 'none',
            GROUP: scheduleGroup ? { Ref: 'Group1' } : 'none',
            SCHEDULER_ROLE: { 'Fn::GetAtt': ['SchedulerRole9', 'Arn'] },
            MACHINE: { 'Fn::Sub': ['${Machine}', { Machine: { Ref: 'Orders1234' } }] },
          },
        },
      },
    },
    HandlerPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'ExecRoleABCD' }],
        PolicyDocument: {
          Statement: [
            ...(queue ? [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Dlq1', 'Arn'] } }] : []),
            ...(scheduleGroup ? [{ Effect: 'Allow', Action: 'scheduler:CreateSchedule', Resource: join(arnPrefix('scheduler'), 'schedule/', { Ref: 'Group1' }, '/*') }] : []),
            { Effect: 'Allow', Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': ['SchedulerRole9', 'Arn'] } },
          ],
        },
      },
    },
    RedrivePolicy: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: {
        Roles: [{ Ref: 'ExecRoleABCD' }],
        PolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: ['states:RedriveExecution', 'states:DescribeExecution'],
            Resource: [join(arnPrefix('states'), 'execution:', { 'Fn::GetAtt': ['Orders1234', 'Name'] }, ':*'),
              { 'Fn::Join': [':execution:', [{ 'Fn::Select': [0, { 'Fn::Split': [':stateMachine:', IMPORTED_MACHINE] }] }, 'imported:*']] }],
          }],
        },
      },
    },
    OtherPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: { Roles: [{ Ref: 'OtherRole' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
    },
    Rule1: { Type: 'AWS::Events::Rule', Properties: { Name: 'Auto-1', State: 'ENABLED', EventPattern: { detail: { stateMachineArn: [{ Ref: 'Orders1234' }, IMPORTED_MACHINE] } } } },
    SweepRule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 hour)' } },
  };
  if (queue) resources.Dlq1 = { Type: 'AWS::SQS::Queue', Properties: {} };
  if (scheduleGroup) resources.Group1 = { Type: 'AWS::Scheduler::ScheduleGroup', Properties: { Name: 'StackRedrives' } };
  return { Resources: resources };
}

describe('deployToFake', () => {
  const fake = useFakeAws();
  let sfn: SFNClient;
  let sqs: SQSClient;
  let scheduler: SchedulerClient;
  beforeEach(() => {
    sfn = new SFNClient({ maxAttempts: 1 });
    sqs = new SQSClient({ maxAttempts: 1 });
    scheduler = new SchedulerClient({ maxAttempts: 1 });
  });
  afterEach(() => {
    for (const client of [sfn, sqs, scheduler]) client.destroy();
  });

  test('resolves the environment, creates the queue, group and rules', () => {
    const deployment = deployToFake(template(), fake(), { Orders1234: 'orders' });

    expect(deployment.environment).toMatchObject({
      QUEUE_URL: `${fake().url}/${ACCOUNT}/dlq-Dlq1`,
      GROUP: 'StackRedrives',
      SCHEDULER_ROLE: `arn:aws:iam::${ACCOUNT}:role/SchedulerRole9`,
      MACHINE: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:orders`,
      AWS_ENDPOINT_URL_SFN: fake().url,
    });
    expect(deployment.deadLetterQueueUrl).toBe(`${fake().url}/${ACCOUNT}/dlq-Dlq1`);
    expect(deployment.handlerArn).toBe(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:${HANDLER_ID}`);
    expect(deployment.handlerRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/ExecRoleABCD`);
    expect(fake().scheduler.groups.has('StackRedrives')).toBe(true);
    expect(JSON.parse(fake().eventBridge.rules.get('Auto-1')!.EventPattern)).toEqual({
      detail: { stateMachineArn: [`arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:orders`, IMPORTED_MACHINE] },
    });
    expect(fake().eventBridge.rules.size).toBe(1);
  });

  test('loads the resolved statements of every policy attached to the handler\'s role, and only those', () => {
    const deployment = deployToFake(template(), fake(), { Orders1234: 'orders' });

    expect(fake().iam.statements).toEqual(deployment.policyStatements);
    expect(deployment.policyStatements).toEqual([
      { Effect: 'Allow', Action: 'states:DescribeExecution', Resource: `arn:aws:states:us-east-1:${ACCOUNT}:execution:imported:*` },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq-Dlq1` },
      { Effect: 'Allow', Action: 'scheduler:CreateSchedule', Resource: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/StackRedrives/*` },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${ACCOUNT}:role/SchedulerRole9` },
      {
        Effect: 'Allow',
        Action: ['states:RedriveExecution', 'states:DescribeExecution'],
        Resource: [`arn:aws:states:us-east-1:${ACCOUNT}:execution:orders:*`, `arn:aws:states:us-east-1:${ACCOUNT}:execution:imported:*`],
      },
    ]);
  });

  test('the loaded statements decide what the SDK may do', async () => {
    const deployment = deployToFake(template(), fake(), { Orders1234: 'orders' });
    const orders = `arn:aws:states:us-east-1:${ACCOUNT}:execution:orders:o-1`;
    const imported = `arn:aws:states:us-east-1:${ACCOUNT}:execution:imported:i-1`;
    const unwatched = `arn:aws:states:us-east-1:${ACCOUNT}:execution:payments:p-1`;
    for (const arn of [orders, imported, unwatched]) fake().stepFunctions.addExecution(arn);
    const schedule = (RoleArn: string) => scheduler.send(new CreateScheduleCommand({
      Name: 'redrive-1',
      GroupName: deployment.environment.GROUP,
      ScheduleExpression: 'at(2030-01-01T00:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: deployment.handlerArn, RoleArn },
    }));

    await expect(sfn.send(new RedriveExecutionCommand({ executionArn: orders }))).resolves.toBeDefined();
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn: imported }))).resolves.toBeDefined();
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: imported }))).resolves.toBeDefined();
    expect((await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn: unwatched })))).name).toBe('AccessDeniedException');
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: deployment.deadLetterQueueUrl, MessageBody: '{}' }))).resolves.toBeDefined();
    expect((await errorOf(schedule(`arn:aws:iam::${ACCOUNT}:role/OtherRole`))).name).toBe('AccessDeniedException');
    await expect(schedule(deployment.environment.SCHEDULER_ROLE)).resolves.toBeDefined();
    expect(fake().iam.decisions.filter((decision) => !decision.allowed)).toEqual([
      { action: 'states:RedriveExecution', resource: unwatched, allowed: false },
      { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/OtherRole`, allowed: false },
    ]);
  });

  test('works for a template without a schedule group or a queue', () => {
    const deployment = deployToFake(template({ scheduleGroup: false, queue: false }), fake(), { Orders1234: 'orders' });
    expect(deployment.deadLetterQueueUrl).toBe('');
    expect(fake().scheduler.groups.size).toBe(0);
    expect(deployment.policyStatements.map((statement) => statement.Action)).toEqual([
      'states:DescribeExecution', 'iam:PassRole', ['states:RedriveExecution', 'states:DescribeExecution'],
    ]);
  });

  test('finds the role by its logical id when the function names it by ARN', () => {
    const t = template();
    t.Resources.AutoRedriveHandlerRole1 = t.Resources.ExecRoleABCD;
    delete t.Resources.ExecRoleABCD;
    t.Resources[HANDLER_ID].Properties.Role = `arn:aws:iam::${ACCOUNT}:role/somewhere-else`;
    t.Resources.HandlerPolicy.Properties.Roles = [{ Ref: 'AutoRedriveHandlerRole1' }];
    t.Resources.RedrivePolicy.Properties.Roles = [];
    const deployment = deployToFake(t, fake(), { Orders1234: 'orders' });
    expect(deployment.handlerRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/AutoRedriveHandlerRole1`);
    expect(deployment.policyStatements).toHaveLength(4);
  });

  test('a template without the handler is refused', () => {
    expect(() => deployToFake({ Resources: {} }, fake(), {})).toThrow(/AutoRedriveHandler/);
  });
});
