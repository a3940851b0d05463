import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive, Backoff, ErrorFilter, RedrivableStatus } from '../src';
import { handlerRoleStatements, newStack, standardStateMachine, synthAutoRedrive } from './support/stacks';

describe('AutoRedrive with defaults', () => {
  const { template, stateMachines, autoRedrive } = synthAutoRedrive();
  const [machineId] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
  const [queueId] = Object.keys(template.findResources('AWS::SQS::Queue'));
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

  test('the rule target retries delivery and keeps what it could not deliver in the DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [{
        Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      }],
    });
  });

  test('the handler runs on Node.js 22 with bounded concurrency and async retries that end in the DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 10,
      Timeout: 30,
      LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  test('the handler is told the policy, its rules, the DLQ and the schedule group, and retries adaptively', () => {
    const variables = template.findResources('AWS::Lambda::Function')[functionId].Properties.Environment.Variables;
    expect(JSON.parse(variables.AUTO_REDRIVE_POLICY)).toEqual({
      maxRedrives: 3,
      statuses: ['FAILED', 'TIMED_OUT'],
      errorFilter: { mode: 'DENY', patterns: ErrorFilter.unfixableErrors() },
      backoff: { kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: true },
      dryRun: false,
    });
    const [rule] = Object.values(template.findResources('AWS::Events::Rule')) as any[];
    expect(rule.Properties.Name).toBe(`${variables.AUTO_REDRIVE_RULE_NAME_PREFIX}-1`);
    expect(variables.AUTO_REDRIVE_RULE_COUNT).toBe('1');
    expect(variables.AUTO_REDRIVE_DEAD_LETTER_QUEUE_URL).toEqual({ Ref: queueId });
    expect(variables.AUTO_REDRIVE_DEAD_LETTER_QUEUE_ARN).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    const [group] = Object.values(template.findResources('AWS::Scheduler::ScheduleGroup')) as any[];
    expect(variables.AUTO_REDRIVE_SCHEDULE_GROUP).toBe(group.Properties.Name);
    expect(variables.AUTO_REDRIVE_SCHEDULER_ROLE_ARN).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/SchedulerRole/), 'Arn'] });
    expect(variables).toMatchObject({ AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '4' });
  });

  test('the scheduler role can be assumed only by EventBridge Scheduler for this account, and only invokes the handler and writes the DLQ', () => {
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
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [functionId, 'Arn'] } },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    ]);
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
    const [rule] = Object.values(template.findResources('AWS::Events::Rule')) as any[];
    const pseudo = ['arn:', { Ref: 'AWS::Partition' }];
    const regionAccount = [{ Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }];
    expect(statements).toEqual(expect.arrayContaining([
      {
        Effect: 'Allow',
        Action: 'events:DescribeRule',
        Resource: { 'Fn::Join': ['', [...pseudo, ':events:', ...regionAccount, `:rule/${rule.Properties.Name.replace(/-1$/, '')}-*`]] },
      },
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
    expect(new Set(actions)).toEqual(new Set(['states:RedriveExecution', 'states:DescribeExecution', 'logs:CreateLogStream',
      'logs:PutLogEvents', 'sqs:SendMessage', 'events:DescribeRule',
      'events:PutEvents', 'scheduler:CreateSchedule', 'iam:PassRole']));
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::Join': ['', [...pseudo, ':events:', ...regionAccount, ':event-bus/default']] },
      Condition: { StringEquals: { 'events:source': 'cdk-stepfunctions-redrive' } },
    });
    for (const statement of statements) expect(statement.Resource).not.toEqual('*');
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  test('an explicit log group keeps logs a month', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
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

  test('runtime, reserved concurrency and log retention can be chosen', () => {
    const { template } = synthAutoRedrive({
      runtime: new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS),
      reservedConcurrentExecutions: 3,
      logRetention: logs.RetentionDays.ONE_YEAR,
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', ReservedConcurrentExecutions: 3 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('a customer managed key encrypts the DLQ and EventBridge may use it', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')], deadLetterQueueEncryptionKey: key });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } });
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
    template.resourceCountIs('AWS::SQS::Queue', 1);
    expect(autoRedrive.deadLetterQueue).toBe(queue);
    const queueArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('MyDlq'), 'Arn'] };
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { DestinationConfig: { OnFailure: { Destination: queueArn } } });
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ DeadLetterConfig: { Arn: queueArn } })] });
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
  test('Backoff.none() redrives at once: no schedule group, no scheduler role, no scheduling permissions', () => {
    const { template } = synthAutoRedrive({ backoff: Backoff.none() });
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
    expect(Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.includes('Scheduler'))).toEqual([]);
    const actions = handlerRoleStatements(template).flatMap((s: any) => [s.Action].flat());
    expect(actions).not.toContain('scheduler:CreateSchedule');
    expect(actions).not.toContain('states:DescribeExecution');
    expect(actions).not.toContain('iam:PassRole');
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    expect(fn.Properties.Environment.Variables.AUTO_REDRIVE_SCHEDULE_GROUP).toBeUndefined();
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

  test('a DLQ and a key for the DLQ together', () => {
    expect(attempt((stack) => new AutoRedrive(stack, 'A', {
      stateMachines: [machine(stack)],
      deadLetterQueue: new sqs.Queue(stack, 'Q'),
      deadLetterQueueEncryptionKey: new kms.Key(stack, 'K'),
    }))).toThrow(/deadLetterQueueEncryptionKey applies to the queue the construct creates/);
  });

  test('a state machine in another Region', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const other = sfn.StateMachine.fromStateMachineArn(stack, 'Other', 'arn:aws:states:eu-west-1:123456789012:stateMachine:x');
    expect(() => new AutoRedrive(stack, 'A', { stateMachines: [other] })).toThrow(/not in the stack's account and Region/);
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
