import { CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive, Backoff, ErrorFilter, RedrivableStatus } from '../src';
import { handlerRoleStatements, newStack, standardStateMachine, synthAutoRedrive } from './support/stacks';
import { DEFAULT_MAX_CONCURRENCY } from '../src/shared/contract';

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
    expect(Object.keys(variables).sort()).toEqual([
      'AUTO_REDRIVE_DEAD_LETTER_QUEUE_ARN', 'AUTO_REDRIVE_DEAD_LETTER_QUEUE_URL', 'AUTO_REDRIVE_INTAKE_QUEUE_ARN', 'AUTO_REDRIVE_OUTCOME_EVENTS', 'AUTO_REDRIVE_OUTCOME_EVENT_BUS',
      'AUTO_REDRIVE_POLICY', 'AUTO_REDRIVE_SCHEDULER_ROLE_ARN', 'AUTO_REDRIVE_SCHEDULE_GROUP', 'AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE',
      'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME',
    ]);
    // No on*() method was called and outcomeEvents is not set: no outcome events, no detailed metrics.
    expect(variables.AUTO_REDRIVE_OUTCOME_EVENTS).toBe('false');
    const [ruleId, rule] = Object.entries(template.findResources('AWS::Events::Rule'))[0] as [string, any];
    expect(rule.Properties.Name).toBeUndefined();
    expect(JSON.stringify(variables)).not.toContain(ruleId);
  });

  test('the function keeps its logical ID, so an upgrade updates it in place', () => {
    expect(functionId).toBe('AutoRedriveHandlerD50CFDFD');
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
      .toThrow(/give logGroup or logRetention, not both/);
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

  test.each<[string, () => Backoff, RegExp]>([
    ['a negative delay', () => Backoff.fixed(Duration.seconds(-5)), /negative/i],
    ['a fixed delay past the redrive window', () => Backoff.fixed(Duration.days(14)), /can never fit in the 14-day redrive window/],
    ['an inverted exponential', () => Backoff.exponential({ initialDelay: Duration.hours(2), maxDelay: Duration.hours(1) }), /maxDelay \(3600 s\) must not be shorter than initialDelay \(7200 s\)/],
    ['a zero initial delay', () => Backoff.exponential({ initialDelay: Duration.seconds(0), maxDelay: Duration.hours(1) }), /initialDelay must be at least 1 second/],
    ['a multiplier below 1', () => Backoff.exponential({ initialDelay: Duration.minutes(1), maxDelay: Duration.hours(1), multiplier: 0.5 }), /multiplier must be a number of at least 1, got 0.5/],
    ['an initial delay whose shortest draw is past the window', () => Backoff.exponential({ initialDelay: Duration.days(30), maxDelay: Duration.days(30) }), /initialDelay of 2592000 s can never fit/],
  ])('%s is a synth-time error', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('a maxDelay beyond the redrive window is allowed, with a warning that delays are shortened', () => {
    const { stack } = synthAutoRedrive({ backoff: Backoff.exponential({ initialDelay: Duration.hours(1), maxDelay: Duration.days(20) }) });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('maxDelay .* is longer than the 14-day redrive window'));
  });
});

describe('100 state machines', () => {
  const { template, stateMachines } = synthAutoRedrive({}, 100);
  const machineIds = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
  const rules = Object.values(template.findResources('AWS::Events::Rule')) as any[];
  /** The longest ARN any state machine could have once deployed. */
  const worstCaseArn = `arn:aws-iso-b:states:ap-southeast-5:123456789012:stateMachine:${'n'.repeat(80)}`;
  const deployed = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replace(/\{"Ref":"Machine\d+[0-9A-F]{8}"\}/g, JSON.stringify(worstCaseArn)));

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
    const targets = rules.map((rule) => JSON.stringify(rule.Properties.Targets[0].Arn) + JSON.stringify(rule.Properties.Targets[0].DeadLetterConfig));
    expect(new Set(targets).size).toBe(1);
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
      const deployedPolicy = JSON.stringify(policy.Properties.PolicyDocument)
        .replace(/\{"Fn::GetAtt":\["Machine\d+[0-9A-F]{8}","Name"\]\}/g, `"${worstCaseName}"`)
        .replace(/\{"Ref":"AWS::Partition"\}/g, '"aws-iso-b"').replace(/\{"Ref":"AWS::Region"\}/g, '"ap-southeast-5"')
        .replace(/\{"Ref":"AWS::AccountId"\}/g, '"123456789012"');
      const joined = JSON.stringify(JSON.parse(deployedPolicy), (_key, value) =>
        value && value['Fn::Join'] ? value['Fn::Join'][1].join(value['Fn::Join'][0]) : value);
      expect(joined).not.toContain('Fn::');
      expect(joined.length).toBeLessThanOrEqual(6144);
    }
  });
});

describe('synth-time errors', () => {
  const attempt = (build: (stack: Stack) => void) => () => build(newStack());
  const machine = (stack: Stack) => standardStateMachine(stack, 'M');

  test('an empty stateMachines', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [] })))
      .toThrow('stateMachines must name at least one Standard state machine');
  });

  test('an Express state machine', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', {
      stateMachines: [standardStateMachine(stack, 'Fast', { stateMachineType: sfn.StateMachineType.EXPRESS })],
    }))).toThrow(/TestStack\/Fast is an EXPRESS state machine; Step Functions redrives Standard executions only/);
  });

  test.each([0, 1001, 2.5, -1])('maxRedrives %p', (maxRedrives) => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], maxRedrives })))
      .toThrow(`maxRedrives must be a whole number between 1 and 1000, got ${maxRedrives}`);
  });

  test.each([[['']], [['  ']], [[]], [['Lambda.**']], [['x'.repeat(257)]], [['bad\u0007']]])('an invalid error pattern %j', (patterns) => {
    expect(() => ErrorFilter.allowOnly(patterns)).toThrow(/ErrorFilter.allowOnly\(\)/);
    expect(() => ErrorFilter.deny(patterns)).toThrow(/ErrorFilter.deny\(\)/);
  });

  test('empty statuses', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], statuses: [] })))
      .toThrow('statuses must name at least one RedrivableStatus');
  });

  test.each([lambda.Runtime.NODEJS_20_X, lambda.Runtime.PYTHON_3_12])('runtime %s', (runtime) => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], runtime })))
      .toThrow(`runtime must be Node.js 22 or later, got ${runtime.name}`);
  });

  test('reserved concurrency below 1', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], reservedConcurrentExecutions: 0 })))
      .toThrow('reservedConcurrentExecutions must be a whole number at least 1, got 0');
  });

  test('a DLQ encrypted with the AWS managed key', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', {
      stateMachines: [machine(stack)],
      deadLetterQueue: new sqs.Queue(stack, 'Q', { encryption: sqs.QueueEncryption.KMS_MANAGED }),
    }))).toThrow(/AWS managed key aws\/sqs, which EventBridge cannot use/);
  });

  test('maxConcurrency outside 2 to 1,000, or not whole', () => {
    for (const maxConcurrency of [0, 1, 1001, 2.5, -4]) {
      expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], maxConcurrency })))
        .toThrow(`maxConcurrency must be a whole number between 2 and 1000, got ${maxConcurrency}`);
    }
  });

  test('a state machine in another Region', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const other = sfn.StateMachine.fromStateMachineArn(stack, 'Other', 'arn:aws:states:eu-west-1:123456789012:stateMachine:x');
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [other] }))
      .toThrow("stateMachines: TestStack/Other is in 123456789012/eu-west-1, not in the stack's account and Region (123456789012/us-east-1)");
  });

  test('a state machine in another account', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const other = sfn.StateMachine.fromStateMachineArn(stack, 'Other', 'arn:aws:states:us-east-1:210987654321:stateMachine:x');
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [other] }))
      .toThrow("stateMachines: TestStack/Other is in 210987654321/us-east-1, not in the stack's account and Region (123456789012/us-east-1)");
  });

  test.each([
    ['an alias', 'prod'],
    ['a version', '3'],
  ])('the ARN of %s instead of the state machine', (_kind, qualifier) => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const qualified = sfn.StateMachine.fromStateMachineArn(stack, 'Qualified', `arn:aws:states:us-east-1:123456789012:stateMachine:orders:${qualifier}`);
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [qualified] })).toThrow(new RegExp(
      `stateMachines: TestStack/Qualified is the ARN of the alias or version "${qualifier}" of "orders" ` +
      `\\(arn:aws:states:us-east-1:123456789012:stateMachine:orders:${qualifier}\\); pass the state machine itself`));
  });

  test.each<[string, (stack: Stack) => sfn.IStateMachine, string]>([
    ['white space, imported by name', (stack) => sfn.StateMachine.fromStateMachineName(stack, 'Bad', 'has space'),
      'the name "has space" contains U+0020, which Step Functions does not allow in names'],
    ['a forbidden character, imported by ARN', (stack) => sfn.StateMachine.fromStateMachineArn(stack, 'Bad', 'arn:aws:states:us-east-1:123456789012:stateMachine:a#b'),
      'the name "a#b" contains U+0023, which Step Functions does not allow in names'],
    ['81 characters', (stack) => sfn.StateMachine.fromStateMachineName(stack, 'Bad', 'n'.repeat(81)),
      `the name "${'n'.repeat(81)}" is longer than 80 characters`],
  ])('a state machine name that breaks Step Functions\' naming rules: %s', (_name, build, message) => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const bad = build(stack);
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [bad] })).toThrow(`stateMachines: TestStack/Bad: ${message}`);
  });

  test('alias, name and environment problems of several state machines are listed together', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const alias = sfn.StateMachine.fromStateMachineArn(stack, 'Alias', 'arn:aws:states:us-east-1:123456789012:stateMachine:orders:prod');
    const badName = sfn.StateMachine.fromStateMachineName(stack, 'BadName', 'a/b');
    const elsewhere = sfn.StateMachine.fromStateMachineArn(stack, 'Elsewhere', 'arn:aws:states:eu-west-1:123456789012:stateMachine:x');
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [alias, badName, elsewhere], maxRedrives: 0 }))
      .toThrow(/TestStack\/Alias is the ARN of the alias[\s\S]*TestStack\/BadName: the name "a\/b" contains U\+002F[\s\S]*TestStack\/Elsewhere is in[\s\S]*maxRedrives must/);
  });

  test('every problem is listed in one error', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', { stateMachines: [], maxRedrives: 0, statuses: [], reservedConcurrentExecutions: 0 })))
      .toThrow(/stateMachines must[\s\S]*maxRedrives must[\s\S]*reservedConcurrentExecutions must[\s\S]*statuses must/);
  });

  test('a maxRedrives token, resolved at deploy time, is passed through without a range check', () => {
    const stack = newStack();
    const maxRedrives = new CfnParameter(stack, 'MaxRedrives', { type: 'Number' }).valueAsNumber;
    new AutoRedrive(stack, 'A', { stateMachines: [machine(stack)], maxRedrives });
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as any[];
    expect(JSON.stringify(fn.Properties.Environment.Variables.AUTO_REDRIVE_POLICY)).toContain('{"Ref":"MaxRedrives"}');
  });
});

describe('state machines whose account and Region cannot be compared at synth time', () => {
  const WARNING = /TestStack\/Imported is in account .+ and Region .+, and the stack in account .+ and Region .+, which cannot be compared at synth time\. The rule and the IAM grants only match executions in the stack's own account and Region.*\[ack: cdk-stepfunctions-redrive:ImportedStateMachineEnvironment\]/;

  test('an imported ARN in an environment-agnostic stack is allowed, with a warning', () => {
    const stack = newStack();
    const imported = sfn.StateMachine.fromStateMachineArn(stack, 'Imported', 'arn:aws:states:eu-west-1:210987654321:stateMachine:billing');
    new AutoRedrive(stack, 'A', { stateMachines: [imported] });
    Annotations.fromStack(stack).hasWarning('/TestStack/A', Match.stringLikeRegexp(WARNING.source));
    expect(Annotations.fromStack(stack).findWarning('/TestStack/A', Match.stringLikeRegexp('210987654321.+eu-west-1.+known at deploy time'))).toHaveLength(1);
  });

  test('an ARN known only at deploy time in a stack with an explicit env is allowed, with a warning', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const arn = new CfnParameter(stack, 'StateMachineArn').valueAsString;
    new AutoRedrive(stack, 'A', { stateMachines: [sfn.StateMachine.fromStateMachineArn(stack, 'Imported', arn)] });
    Annotations.fromStack(stack).hasWarning('/TestStack/A', Match.stringLikeRegexp(WARNING.source));
  });

  test.each<[string, { account?: string; region?: string } | undefined, (stack: Stack) => sfn.IStateMachine]>([
    ['a state machine of the same environment-agnostic stack', undefined, (stack) => standardStateMachine(stack, 'Own')],
    ['a state machine imported by name into an environment-agnostic stack', undefined, (stack) => sfn.StateMachine.fromStateMachineName(stack, 'ByName', 'orders')],
    ['an imported ARN of the stack\'s own account and Region', { account: '123456789012', region: 'us-east-1' },
      (stack) => sfn.StateMachine.fromStateMachineArn(stack, 'Same', 'arn:aws:states:us-east-1:123456789012:stateMachine:orders')],
  ])('no warning for %s', (_name, env, build) => {
    const stack = newStack({ env });
    new AutoRedrive(stack, 'A', { stateMachines: [build(stack)] });
    // An imported state machine's definition cannot be read: that warning is tested in distributed-map.test.ts.
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((warning) => String(warning.entry.data));
    expect(warnings.filter((warning) => !warning.endsWith('[ack: cdk-stepfunctions-redrive:MapRunRedriveUnverified]'))).toEqual([]);
  });

  test('a state machine imported by name is granted on its literal name', () => {
    const stack = newStack();
    new AutoRedrive(stack, 'A', { stateMachines: [sfn.StateMachine.fromStateMachineName(stack, 'ByName', 'orders')] });
    const [executions] = handlerRoleStatements(Template.fromStack(stack)).filter((s: any) => [s.Action].flat().includes('states:DescribeExecution'));
    expect(executions.Resource['Fn::Join'][1]).toEqual(expect.arrayContaining([':execution:orders:*']));
  });
});
