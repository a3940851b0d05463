import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive, Backoff, ErrorFilter, RedrivableStatus } from '../src';
import { aMessageNaming, naming } from './support/messages';
import { handlerRoleStatements, newStack, standardStateMachine, synthAutoRedrive } from './support/stacks';
import { DEFAULT_MAX_CONCURRENCY, ENV, MetricName } from '../src/shared/contract';

describe('AutoRedrive with defaults', () => {
  const { template, stateMachines, autoRedrive, stack } = synthAutoRedrive();
  const [machineId] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
  const queueId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.includes('DeadLetterQueue'))!;
  const intakeId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.includes('Intake'))!;
  const [functionId] = Object.keys(template.findResources('AWS::Lambda::Function'));

  test('one rule matches failed and timed-out, redrivable executions of exactly the chosen state machine', () => {
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        'detail': {
          status: ['FAILED', 'TIMED_OUT'],
          redriveStatus: ['REDRIVABLE'],
          stateMachineArn: [{ Ref: machineId }],
        },
      },
    });
    expect(autoRedrive.rules).toHaveLength(1);
    expect(stateMachines).toHaveLength(1);
  });

  test('the rule sends to the intake queue, retries delivery and keeps what it could not deliver in the DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [{
        Arn: { 'Fn::GetAtt': [intakeId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      }],
    });
  });

  test('the handler runs on Node.js 22 without reserved concurrency, fed by the intake queue in batches with a cap on concurrency', () => {
    const fn = template.findResources('AWS::Lambda::Function')[functionId].Properties;
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', Timeout: 30, LoggingConfig: { LogGroup: { Ref: expect.any(String) } } });
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId },
      EventSourceArn: { 'Fn::GetAtt': [intakeId, 'Arn'] },
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: DEFAULT_MAX_CONCURRENCY },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('the intake queue: SSE-SQS, TLS only, six times the handler\'s timeout to stay invisible, four days, then the DLQ after 10 receives', () => {
    const intake = template.findResources('AWS::SQS::Queue')[intakeId].Properties;
    expect(intake).toEqual({
      QueueName: expect.stringMatching(/^TestStackAutoRedriveIntake[A-Za-z0-9]*$/),
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      MessageRetentionPeriod: 4 * 24 * 3600,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] }, maxReceiveCount: 10 },
    });
    const [ruleId] = Object.keys(template.findResources('AWS::Events::Rule'));
    const [policy] = Object.values(template.findResources('AWS::SQS::QueuePolicy'))
      .filter((p: any) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: intakeId }])) as any[];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
        Resource: { 'Fn::GetAtt': [intakeId, 'Arn'] },
      }),
    ]);
    expect(autoRedrive.intakeQueue.queueArn).toBeDefined();
  });

  test('the dead-letter queue tells replay the construct\'s maxRedrives and the intake queue\'s name', () => {
    const intakeName = template.findResources('AWS::SQS::Queue')[intakeId].Properties.QueueName;
    expect(template.findResources('AWS::SQS::Queue')[queueId].Properties.Tags).toEqual(expect.arrayContaining([
      { Key: 'cdk-stepfunctions-redrive:max-redrives', Value: '3' },
      { Key: 'cdk-stepfunctions-redrive:intake-queue', Value: intakeName },
    ]));
  });

  test('the handler may receive and delete from the intake queue, and read its attributes for the mapping; nothing more on it', () => {
    const onIntake = handlerRoleStatements(template).filter((statement: any) => JSON.stringify(statement.Resource).includes(intakeId));
    expect(onIntake).toEqual([{
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: { 'Fn::GetAtt': [intakeId, 'Arn'] },
    }]);
  });

  test('the handler is told the policy, the DLQ and the schedule group, and retries adaptively; nothing names the rules', () => {
    const variables = template.findResources('AWS::Lambda::Function')[functionId].Properties.Environment.Variables;
    expect(JSON.parse(variables.AUTO_REDRIVE_POLICY)).toEqual({
      maxRedrives: 3,
      statuses: ['FAILED', 'TIMED_OUT'],
      errorFilter: { mode: 'DENY', patterns: ErrorFilter.unfixableErrors() },
      backoff: { kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: true },
      dryRun: false,
    });
    expect(variables.AUTO_REDRIVE_DEAD_LETTER_QUEUE_URL).toEqual({ Ref: queueId });
    expect(variables.AUTO_REDRIVE_DEAD_LETTER_QUEUE_ARN).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    const [group] = Object.values(template.findResources('AWS::Scheduler::ScheduleGroup')) as any[];
    expect(variables.AUTO_REDRIVE_SCHEDULE_GROUP).toBe(group.Properties.Name);
    expect(autoRedrive.scheduleGroupName).toBe(group.Properties.Name);
    expect(variables.AUTO_REDRIVE_SCHEDULER_ROLE_ARN).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/SchedulerRole/), 'Arn'] });
    expect(variables.AUTO_REDRIVE_INTAKE_QUEUE_ARN).toEqual({ 'Fn::GetAtt': [intakeId, 'Arn'] });
    expect(variables).toMatchObject({ AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '4' });
    expect(variables[ENV.NAME]).toBe(autoRedrive.autoRedriveName);
    expect(variables[ENV.METRICS_NAMESPACE]).toBe('CdkStepFunctionsRedrive');
    expect(variables[ENV.OUTCOME_EVENT_BUS]).toBe('default');
    // No on*() method was called and outcomeEvents is not set: no outcome events, no detailed metrics, no tracing.
    expect(variables.AUTO_REDRIVE_OUTCOME_EVENTS).toBe('false');
    expect(variables).not.toHaveProperty(ENV.DETAILED_METRICS);
    expect(variables).not.toHaveProperty(ENV.TRACING);
    const [ruleId, rule] = Object.entries(template.findResources('AWS::Events::Rule'))[0] as [string, any];
    expect(rule.Properties.Name).toBeUndefined();
    expect(JSON.stringify(variables)).not.toContain(ruleId);
  });

  test('synthesizes without warnings', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('the scheduler role can be assumed only by EventBridge Scheduler for this account, and only sends to the intake queue and the DLQ', () => {
    const roles = template.findResources('AWS::IAM::Role');
    const [schedulerRoleId, schedulerRole] = Object.entries(roles).find(([id]) => id.includes('SchedulerRole'))! as [string, any];
    expect(schedulerRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    }]);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles).includes(schedulerRoleId))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(2);
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [intakeId, 'Arn'] } },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    ]));
  });

  test('the DLQ uses SSE-SQS, enforces TLS, keeps messages 14 days and lets only this rule send', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    const [ruleId] = Object.keys(template.findResources('AWS::Events::Rule'));
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  test('IAM: RedriveExecution only on the chosen state machine\'s executions; logs only to its own group; no wildcard resource', () => {
    const statements = handlerRoleStatements(template);
    const [group] = Object.values(template.findResources('AWS::Scheduler::ScheduleGroup')) as any[];
    const pseudo = ['arn:', { Ref: 'AWS::Partition' }];
    const regionAccount = [{ Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }];
    expect(statements).toEqual(expect.arrayContaining([
      {
        Effect: 'Allow',
        Action: 'scheduler:CreateSchedule',
        Resource: { 'Fn::Join': ['', [...pseudo, ':scheduler:', ...regionAccount, `:schedule/${group.Properties.Name}/*`]] },
      },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/SchedulerRole/), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
      {
        Effect: 'Allow',
        Action: ['states:RedriveExecution', 'states:DescribeExecution'],
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
            ':execution:', { 'Fn::GetAtt': [machineId, 'Name'] }, ':*']],
        },
      },
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/HandlerLogs/), 'Arn'] } }),
    ]));
    const actions = statements.flatMap((s: any) => [s.Action].flat());
    // No events:PutEvents: outcome events are not wanted (no on*() method called, outcomeEvents not set).
    // states:ListExecutions: the sweep, on by default, lists the watched state machine's executions.
    expect(new Set(actions)).toEqual(new Set(['states:RedriveExecution', 'states:DescribeExecution', 'states:ListExecutions', 'logs:CreateLogStream',
      'logs:PutLogEvents', 'sqs:SendMessage', 'scheduler:CreateSchedule', 'iam:PassRole',
      'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']));
    for (const statement of statements) expect(statement.Resource).not.toEqual('*');
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  test('an explicit log group keeps logs a month, and is retained when the stack is deleted', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(stack.resolve(autoRedrive.logGroup.logGroupName)).toEqual({ Ref: expect.stringMatching(/^AutoRedriveHandlerLogs/) });
  });
});

describe('AutoRedrive options', () => {
  test('statuses shape the event pattern', () => {
    const { template } = synthAutoRedrive({ statuses: [RedrivableStatus.ABORTED, RedrivableStatus.FAILED] });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { detail: { status: ['ABORTED', 'FAILED'] } } });
  });

  test('maxRedrives, error filter and dry run reach the handler', () => {
    const { template } = synthAutoRedrive({ maxRedrives: 7, errorFilter: ErrorFilter.allowOnly(['Lambda.*']), dryRun: true });
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    expect(JSON.parse(fn.Properties.Environment.Variables.AUTO_REDRIVE_POLICY)).toMatchObject({
      maxRedrives: 7, errorFilter: { mode: 'ALLOW_ONLY', patterns: ['Lambda.*'] }, dryRun: true,
    });
  });

  test('runtime, maximum concurrency, reserved concurrency and log retention can be chosen', () => {
    const { template } = synthAutoRedrive({
      runtime: new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS),
      maxConcurrency: 5,
      reservedConcurrentExecutions: 5,
      logRetention: logs.RetentionDays.ONE_YEAR,
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', ReservedConcurrentExecutions: 5 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 5 } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('a log group you bring: the handler logs to it, may write to it, and the construct creates none', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'MyLogs', { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY });
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')], logGroup });
    const template = Template.fromStack(stack);
    expect(autoRedrive.logGroup).toBe(logGroup);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^MyLogs') } } });
    expect(handlerRoleStatements(template)).toContainEqual(expect.objectContaining({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MyLogs/), 'Arn'] },
    }));
  });

  test('a log group and a log retention together are refused: the retention applies to the log group the construct creates', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'MyLogs');
    expect(() => new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')], logGroup, logRetention: logs.RetentionDays.ONE_YEAR }))
      .toThrow(naming('logGroup', 'logRetention'));
  });

  test('an imported log group works too', () => {
    const stack = newStack();
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Imported', '/ops/auto-redrive');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')], logGroup });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: '/ops/auto-redrive' } });
    expect(JSON.stringify(handlerRoleStatements(template))).toContain(':log-group:/ops/auto-redrive:*');
  });

  test('a customer managed key encrypts both queues; EventBridge, the scheduler role and the handler may use it as each needs', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')], encryptionKey: key });
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] };
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: keyArn }, 2);
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { SqsManagedSseEnabled: true }, 0);
    const statementsOf = (roleIdPart: string) => Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles).includes(roleIdPart))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    const keyActions = (roleIdPart: string) => statementsOf(roleIdPart)
      .filter((statement: any) => JSON.stringify(statement.Resource).includes('Key'))
      .flatMap((statement: any) => [statement.Action].flat());
    expect(new Set(keyActions('SchedulerRole'))).toEqual(new Set(['kms:GenerateDataKey', 'kms:Decrypt']));
    expect(new Set(keyActions('HandlerRole'))).toEqual(new Set(['kms:GenerateDataKey', 'kms:Decrypt']));
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        })]),
      },
    });
  });

  test('a dead-letter queue you bring is used for every failure path and none is created', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'MyDlq', { encryption: sqs.QueueEncryption.SQS_MANAGED });
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')], deadLetterQueue: queue });
    const template = Template.fromStack(stack);
    // The intake queue, and no dead-letter queue of the construct's own.
    template.resourceCountIs('AWS::SQS::Queue', 2);
    expect(autoRedrive.deadLetterQueue).toBe(queue);
    const queueArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('MyDlq'), 'Arn'] };
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: queueArn, maxReceiveCount: 10 } });
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ DeadLetterConfig: { Arn: queueArn } })] });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ DeadLetterConfig: { Arn: queueArn } }) });
    // Its policy lets the rule keep an event it could not deliver.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: Match.stringLikeRegexp('MyDlq') }],
      PolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' })] },
    });
  });

  test('an imported state machine is watched by its ARN and its name', () => {
    const stack = newStack();
    const imported = sfn.StateMachine.fromStateMachineArn(stack, 'Imported', 'arn:aws:states:us-east-1:123456789012:stateMachine:billing');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [imported] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: { stateMachineArn: ['arn:aws:states:us-east-1:123456789012:stateMachine:billing'] } },
    });
    expect(JSON.stringify(handlerRoleStatements(template))).toContain(':execution:billing:*');
  });

  test('the same state machine passed twice is watched once', () => {
    const stack = newStack();
    const machine = standardStateMachine(stack, 'M');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [machine, machine] });
    const [rule] = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule')) as any[];
    expect(rule.Properties.EventPattern.detail.stateMachineArn).toHaveLength(1);
  });
});

describe('backoff', () => {
  test('Backoff.none() still has the schedule group, the scheduler role and the scheduling grants: a throttled check or redrive is put off with a schedule', () => {
    const { template, autoRedrive } = synthAutoRedrive({ backoff: Backoff.none() });
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    const [group] = Object.values(template.findResources('AWS::Scheduler::ScheduleGroup')) as any[];
    expect(autoRedrive.scheduleGroupName).toBe(group.Properties.Name);
    const schedulerRoles = Object.keys(template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } },
    }));
    expect(schedulerRoles).toHaveLength(1);
    const statements = handlerRoleStatements(template);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'scheduler:CreateSchedule',
      Resource: { 'Fn::Join': ['', expect.arrayContaining([`:schedule/${group.Properties.Name}/*`])] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [schedulerRoles[0], 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['states:RedriveExecution', 'states:DescribeExecution'] }));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          AUTO_REDRIVE_SCHEDULE_GROUP: group.Properties.Name,
          AUTO_REDRIVE_SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [schedulerRoles[0], 'Arn'] },
          AUTO_REDRIVE_DEAD_LETTER_QUEUE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] },
        }),
      },
    });
  });

  test.each<[string, Backoff, object]>([
    ['fixed', Backoff.fixed(Duration.minutes(10)), { kind: 'FIXED', initialDelaySeconds: 600, maxDelaySeconds: 600, multiplier: 1, jitter: false }],
    ['fixed zero is none', Backoff.fixed(Duration.seconds(0)), { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false }],
    ['exponential', Backoff.exponential({ initialDelay: Duration.seconds(30), maxDelay: Duration.hours(24), multiplier: 3, jitter: false }),
      { kind: 'EXPONENTIAL', initialDelaySeconds: 30, maxDelaySeconds: 86400, multiplier: 3, jitter: false }],
  ])('%s reaches the handler', (_name, backoff, expected) => {
    const { template } = synthAutoRedrive({ backoff });
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    expect(JSON.parse(fn.Properties.Environment.Variables.AUTO_REDRIVE_POLICY).backoff).toEqual(expected);
  });


  test('a maxDelay beyond the redrive window is allowed, with a warning that delays are shortened', () => {
    const { stack } = synthAutoRedrive({ backoff: Backoff.exponential({ initialDelay: Duration.hours(1), maxDelay: Duration.days(20) }) });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-stepfunctions-redrive:MaxDelayBeyondWindow'));
    expect(warnings.map((warning) => String(warning.entry.data))).toEqual([aMessageNaming('maxDelay', 20 * 86400)]);
  });
});

describe('100 state machines', () => {
  const { template, stateMachines } = synthAutoRedrive({}, 100);
  const machineIds = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
  const rules = Object.values(template.findResources('AWS::Events::Rule')) as any[];
  /** The longest ARN any state machine could have once deployed. */
  const worstCaseArn = `arn:aws-iso-b:states:ap-southeast-5:123456789012:stateMachine:${'n'.repeat(80)}`;
  const deployed = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, node) =>
    node && typeof node.Ref === 'string' && machineIds.includes(node.Ref) ? worstCaseArn : node));

  test('synthesize, split over rules whose patterns stay within 2,048 characters once deployed', () => {
    expect(stateMachines).toHaveLength(100);
    expect(rules.length).toBeGreaterThan(1);
    for (const rule of rules) {
      expect(JSON.stringify(deployed(rule.Properties.EventPattern)).length).toBeLessThanOrEqual(2048);
    }
  });

  test('and together match every state machine exactly once', () => {
    const matched = rules.flatMap((rule) => rule.Properties.EventPattern.detail.stateMachineArn.map((arn: any) => arn.Ref));
    expect(matched.sort()).toEqual([...machineIds].sort());
  });

  test('every rule has the same target, retry policy and DLQ', () => {
    const ruleTargets = rules.map((rule) => JSON.stringify([rule.Properties.Targets[0].Arn, rule.Properties.Targets[0].DeadLetterConfig]));
    expect(new Set(ruleTargets).size).toBe(1);
  });

  test('the handler may redrive executions of each of them and of nothing else', () => {
    const statements = handlerRoleStatements(template).filter((s: any) => [s.Action].flat().includes('states:RedriveExecution'));
    const names = statements.flatMap((s: any) => [s.Resource].flat()).map((r: any) => r['Fn::Join'][1][7]['Fn::GetAtt'][0]);
    expect(names.sort()).toEqual([...machineIds].sort());
  });

  test('in managed policies that each fit the 6,144 characters IAM allows, once deployed', () => {
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[];
    expect(policies.length).toBeGreaterThan(1);
    const worstCaseName = 'n'.repeat(80);
    for (const policy of policies) {
      const deployedPolicy = JSON.stringify(policy.Properties.PolicyDocument, (_key, node) =>
        node && Array.isArray(node['Fn::GetAtt']) && machineIds.includes(node['Fn::GetAtt'][0]) && node['Fn::GetAtt'][1] === 'Name' ? worstCaseName : node)
        .replace(/\{"Ref":"AWS::Partition"\}/g, '"aws-iso-b"').replace(/\{"Ref":"AWS::Region"\}/g, '"ap-southeast-5"')
        .replace(/\{"Ref":"AWS::AccountId"\}/g, '"123456789012"');
      const joined = JSON.stringify(JSON.parse(deployedPolicy), (_key, value) =>
        value && value['Fn::Join'] ? value['Fn::Join'][1].join(value['Fn::Join'][0]) : value);
      expect(joined).not.toContain('Fn::');
      expect(joined.length).toBeLessThanOrEqual(6144);
    }
  });
});

describe('metrics', () => {
  const { autoRedrive, stack } = synthAutoRedrive();

  test.each<[string, (a: AutoRedrive) => cloudwatch.Metric]>([
    ['Redriven', (a) => a.metricRedriven()],
    ['Scheduled', (a) => a.metricScheduled()],
    ['Skipped', (a) => a.metricSkipped()],
    ['Exhausted', (a) => a.metricExhausted()],
    ['Failed', (a) => a.metricFailed()],
    ['BadEvents', (a) => a.metricBadEvents()],
    ['PutOff', (a) => a.metricPutOff()],
    ['OutcomeEventFailures', (a) => a.metricOutcomeEventFailures()],
  ])('%s: the handler\'s namespace and service dimension, Sum over 5 minutes', (metricName, metricOf) => {
    const metric = metricOf(autoRedrive);
    expect(metric.namespace).toBe('CdkStepFunctionsRedrive');
    expect(metric.metricName).toBe(metricName);
    expect(metric.dimensions).toEqual({ service: autoRedrive.autoRedriveName });
    expect(metric.statistic).toBe('Sum');
    expect(metric.period.toMinutes()).toBe(5);
    expect(metric.toMetricConfig()).toEqual(autoRedrive.metric(metricName).toMetricConfig());
  });

  test('every metric the handler publishes has a method named after it, metric<Name>()', () => {
    for (const metricName of Object.values(MetricName)) {
      const method = (autoRedrive as any)[`metric${metricName}`];
      expect({ metricName, hasMethod: typeof method === 'function' }).toEqual({ metricName, hasMethod: true });
      expect(method.call(autoRedrive).metricName).toBe(metricName);
    }
  });

  test('the metric methods pass their options through, in a chosen namespace', () => {
    const { autoRedrive: custom } = synthAutoRedrive({ metricsNamespace: 'Ops/Redrive' });
    for (const metric of [custom.metricPutOff({ period: Duration.minutes(1) }), custom.metricOutcomeEventFailures({ period: Duration.minutes(1) })]) {
      expect(metric.namespace).toBe('Ops/Redrive');
      expect(metric.period.toMinutes()).toBe(1);
      expect(metric.dimensions).toEqual({ service: custom.autoRedriveName });
    }
  });

  test('options are applied, and extra dimensions (a skip reason) added', () => {
    const metric = autoRedrive.metricSkipped({ period: Duration.hours(1), dimensionsMap: { Reason: 'EXHAUSTED' }, statistic: 'Maximum' });
    expect(metric.dimensions).toEqual({ service: autoRedrive.autoRedriveName, Reason: 'EXHAUSTED' });
    expect(metric.period.toHours()).toBe(1);
    expect(metric.statistic).toBe('Maximum');
  });

  test('the dead-letter queue depth', () => {
    const metric = autoRedrive.metricDeadLetterQueueDepth();
    expect(metric.namespace).toBe('AWS/SQS');
    expect(metric.metricName).toBe('ApproximateNumberOfMessagesVisible');
    expect(stack.resolve(metric.dimensions)).toEqual({ QueueName: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'QueueName'] } });
  });

  test('the intake queue\'s oldest message age', () => {
    const metric = autoRedrive.metricIntakeQueueOldestMessageAge();
    expect(metric.namespace).toBe('AWS/SQS');
    expect(metric.metricName).toBe('ApproximateAgeOfOldestMessage');
    expect(metric.statistic).toBe('Maximum');
    expect(metric.period.toMinutes()).toBe(1);
    expect(stack.resolve(metric.dimensions)).toEqual({ QueueName: { 'Fn::GetAtt': [expect.stringMatching(/Intake/), 'QueueName'] } });
  });

  test('a chosen namespace reaches both the handler and the metric methods', () => {
    const { template, autoRedrive: custom } = synthAutoRedrive({ metricsNamespace: 'Ops/Redrive' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { POWERTOOLS_METRICS_NAMESPACE: 'Ops/Redrive' } } });
    expect(custom.metricRedriven().namespace).toBe('Ops/Redrive');
  });

  test.each(['', 'AWS/Mine', 'has space'])('an invalid namespace %j is a synth-time error', (metricsNamespace) => {
    expect(() => synthAutoRedrive({ metricsNamespace })).toThrow(naming('metricsNamespace', JSON.stringify(metricsNamespace)));
  });
});

describe('outcome events', () => {
  test('onExhausted matches this construct\'s Redrive Exhausted events and sends them to the target', () => {
    const stack = newStack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')] });
    const topic = new sns.Topic(stack, 'Tickets', { enforceSSL: true });
    autoRedrive.onExhausted('OpenTicket', { target: new targets.SnsTopic(topic), description: 'ticket on exhaustion' });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Description: 'ticket on exhaustion',
      EventPattern: {
        'source': ['cdk-stepfunctions-redrive'],
        'detail-type': ['Redrive Exhausted'],
        'detail': { autoRedrive: [autoRedrive.autoRedriveName] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Tickets') } })],
    });
  });

  test.each<[string, (a: AutoRedrive) => events.Rule, string[]]>([
    ['onRedriven', (a) => a.onRedriven('R'), ['Execution Redriven']],
    ['onScheduled', (a) => a.onScheduled('R'), ['Redrive Scheduled']],
    ['onSkipped', (a) => a.onSkipped('R'), ['Redrive Skipped']],
    ['onFailed', (a) => a.onFailed('R'), ['Redrive Failed']],
    ['onOutcome', (a) => a.onOutcome('R'), ['Execution Redriven', 'Redrive Scheduled', 'Redrive Skipped', 'Redrive Exhausted', 'Redrive Failed']],
  ])('%s', (_name, on, detailTypes) => {
    const stack = newStack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')] });
    const rule = on(autoRedrive);
    expect(stack.resolve((rule.node.defaultChild as events.CfnRule).eventPattern)).toMatchObject({ 'detail-type': detailTypes });
  });

  const putEvents = (template: Template) => handlerRoleStatements(template).filter((statement: any) => [statement.Action].flat().includes('events:PutEvents'));
  const outcomeEventsVariable = (template: Template) => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    return fn.Properties.Environment.Variables.AUTO_REDRIVE_OUTCOME_EVENTS;
  };

  test('not published by default: the handler is told so, and may not call PutEvents', () => {
    const { template } = synthAutoRedrive();
    expect(outcomeEventsVariable(template)).toBe('false');
    expect(putEvents(template)).toEqual([]);
  });

  test('outcomeEvents: true publishes them to the default bus, for the library\'s own source only', () => {
    const { template } = synthAutoRedrive({ outcomeEvents: true });
    expect(outcomeEventsVariable(template)).toBe('true');
    expect(putEvents(template)).toEqual([{
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/default']] },
      Condition: { StringEquals: { 'events:source': 'cdk-stepfunctions-redrive' } },
    }]);
  });

  test.each<[string, (a: AutoRedrive) => void]>([
    ['onRedriven', (a) => a.onRedriven('R')],
    ['onScheduled', (a) => a.onScheduled('R')],
    ['onSkipped', (a) => a.onSkipped('R')],
    ['onExhausted', (a) => a.onExhausted('R')],
    ['onFailed', (a) => a.onFailed('R')],
    ['onOutcome', (a) => a.onOutcome('R')],
  ])('%s, called after the constructor, has them published even with outcomeEvents: false', (_name, on) => {
    const stack = newStack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')], outcomeEvents: false });
    on(autoRedrive);
    const template = Template.fromStack(stack);
    expect(outcomeEventsVariable(template)).toBe('true');
    expect(putEvents(template)).toHaveLength(1);
  });

  test('several on*() methods and outcomeEvents: true grant PutEvents once', () => {
    const stack = newStack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachineNamePrefixes: ['orders'], outcomeEvents: true });
    autoRedrive.onExhausted('Exhausted');
    autoRedrive.onFailed('Failed');
    autoRedrive.onOutcome('Everything');
    const template = Template.fromStack(stack);
    expect(outcomeEventsVariable(template)).toBe('true');
    expect(putEvents(template)).toHaveLength(1);
  });

  test('a custom bus receives the outcome events, the rules listen on it, and PutEvents is allowed on it only', () => {
    const stack = newStack();
    const bus = new events.EventBus(stack, 'OpsBus');
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')], outcomeEventBus: bus });
    autoRedrive.onFailed('Page');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { AUTO_REDRIVE_OUTCOME_EVENT_BUS: { Ref: Match.stringLikeRegexp('OpsBus') } } } });
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: { Ref: Match.stringLikeRegexp('OpsBus') }, EventPattern: { 'detail-type': ['Redrive Failed'] } });
    expect(handlerRoleStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/OpsBus/), 'Arn'] },
      Condition: { StringEquals: { 'events:source': 'cdk-stepfunctions-redrive' } },
    });
  });
});
