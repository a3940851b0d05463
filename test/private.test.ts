import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as fc from 'fast-check';
import { AutoRedrive, Backoff } from '../src';
import { DelayedRedrives } from '../src/private/delayed-redrives';
import { IntakeQueue } from '../src/private/intake-queue';
import { acknowledgeNagFindings } from '../src/private/nag-acknowledgements';
import { HANDLER_TIMEOUT, RedriveHandler } from '../src/private/redrive-handler';
import { distinctPrefixes } from '../src/private/selection';
import { grantSendOnly } from '../src/private/send-to-queue';
import { splitByLength } from '../src/private/split-by-length';
import { grantListStateMachines } from '../src/private/sweep-schedule';
import { addWarning } from '../src/private/warnings';
import { errorPatternProblem, matchesErrorPattern } from '../src/shared/error-pattern';

describe('splitByLength', () => {
  test('keeps order, loses nothing and keeps every group within the budget', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 100 })), fc.integer({ min: 100, max: 1000 }), (costs, budget) => {
      const groups = splitByLength(costs, (cost) => cost, budget);
      expect(groups.flat()).toEqual(costs);
      for (const group of groups) {
        expect(group.length).toBeGreaterThan(0);
        expect(group.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(budget);
      }
      for (let i = 1; i < groups.length; i++) {
        expect(groups[i - 1].reduce((a, b) => a + b, 0) + groups[i][0]).toBeGreaterThan(budget);
      }
    }));
  });

  test('refuses an item that alone exceeds the budget', () => {
    expect(() => splitByLength([5, 50], (cost) => cost, 10)).toThrow('an item costs 50, more than the budget of 10');
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

describe('error patterns', () => {
  test('a pattern without wildcards matches only itself', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }).filter((s) => !s.includes('*')), fc.string(), (pattern, other) => {
      expect(matchesErrorPattern(pattern, pattern)).toBe(true);
      if (other !== pattern) expect(matchesErrorPattern(other, pattern)).toBe(false);
    }));
  });

  test('prefix* matches every name that starts with the prefix', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }).filter((s) => !s.includes('*')), fc.string(), (prefix, rest) => {
      expect(matchesErrorPattern(prefix + rest, `${prefix}*`)).toBe(true);
    }));
  });

  test.each([
    [42, 'must be a string'],
    ['', 'must not be empty or blank'],
    [' x', 'must not start or end with white space'],
    ['a**', 'must not contain "**" (one "*" already matches any run of characters)'],
    ['x'.repeat(257), 'must be at most 256 characters'],
    ['a\nb', 'must not contain control characters'],
  ])('%j %s', (pattern, problem) => {
    expect(errorPatternProblem(pattern)).toBe(problem);
  });

  test.each(['States.Timeout', 'Lambda.*', '*', 'My Error (custom)'])('%j is valid', (pattern) => {
    expect(errorPatternProblem(pattern)).toBeUndefined();
  });
});

describe('acknowledgeNagFindings', () => {
  const reason = 'A reason long enough for cdk-nag.';

  test('refuses findings of a rule whose findings it cannot name, for either cdk-nag', () => {
    const queue = new sqs.Queue(new Stack(), 'Queue');
    expect(() => acknowledgeNagFindings(queue, [{ id: 'AwsSolutions-SQS3', reason, appliesToRegex: '/^Resource::\\*$/' }]))
      .toThrow('No findings are known for AwsSolutions-SQS3: it cannot apply to /^Resource::\\*$/');
  });

  test('refuses a regex outside cdk-nag 2\'s /pattern/ notation', () => {
    const queue = new sqs.Queue(new Stack(), 'Queue');
    expect(() => acknowledgeNagFindings(queue, [{ id: 'AwsSolutions-IAM5', reason, appliesToRegex: '^Resource::\\*$' }])).toThrow('Not a /regex/: ^Resource::\\*$');
  });
});

describe('every grant to the handler or scheduler role returns an iam.Grant', () => {
  const newRole = (stack: Stack, id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const actionsOf = (grant: iam.Grant) => grant.principalStatements.flatMap((statement) => statement.actions).sort();
  const expectGranted = (grant: iam.Grant, actions: string[]) => {
    expect(grant).toBeInstanceOf(iam.Grant);
    expect(grant.success).toBe(true);
    expect(actionsOf(grant)).toEqual([...actions].sort());
  };

  test('sending to a queue, with the two KMS actions of a customer managed key', () => {
    const stack = new Stack();
    expectGranted(grantSendOnly(new sqs.Queue(stack, 'Plain'), newRole(stack, 'A')), ['sqs:SendMessage']);
    const encrypted = new sqs.Queue(stack, 'Encrypted', { encryptionMasterKey: new kms.Key(stack, 'Key') });
    expectGranted(grantSendOnly(encrypted, newRole(stack, 'B')), ['sqs:SendMessage', 'kms:GenerateDataKey', 'kms:Decrypt']);
  });

  test('the intake queue: sending, and consuming for the event source mapping', () => {
    const stack = new Stack();
    const intake = new IntakeQueue(stack, 'Intake', {
      deadLetterQueue: new sqs.Queue(stack, 'DeadLetters'), encryptionKey: new kms.Key(stack, 'Key'), handlerTimeout: HANDLER_TIMEOUT,
    });
    expectGranted(intake.grantSend(newRole(stack, 'Sender')), ['sqs:SendMessage', 'kms:GenerateDataKey', 'kms:Decrypt']);
    expectGranted(intake.grantConsume(newRole(stack, 'Consumer')), ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'kms:Decrypt']);
  });

  test('creating schedules in the group, passing the scheduler role to EventBridge Scheduler only', () => {
    const stack = new Stack();
    const deadLetterQueue = new sqs.Queue(stack, 'DeadLetters');
    const intake = new IntakeQueue(stack, 'Intake', { deadLetterQueue, handlerTimeout: HANDLER_TIMEOUT });
    const delayed = new DelayedRedrives(stack, 'Delayed', { deadLetterQueue, intake });
    const grant = delayed.grantCreateSchedules(newRole(stack, 'Handler'));
    expectGranted(grant, ['scheduler:CreateSchedule', 'iam:PassRole']);
    const passRole = grant.principalStatements.find((statement) => statement.actions.includes('iam:PassRole'))!;
    expect(passRole.toStatementJson().Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
  });

  test('listing the state machines, for the sweep of name prefixes or of every state machine', () => {
    const stack = new Stack();
    expectGranted(grantListStateMachines(newRole(stack, 'Handler')), ['states:ListStateMachines']);
  });

  test('publishing outcome events: one grant, the same however often it is asked for, with the environment that turns them on', () => {
    const stack = new Stack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachineNamePrefixes: ['orders-'] });
    const handler = (autoRedrive as any).redriveHandler as RedriveHandler;
    const grant = handler.publishOutcomeEvents();
    expectGranted(grant, ['events:PutEvents']);
    expect(handler.publishOutcomeEvents()).toBe(grant);
    expect(autoRedrive.onOutcome('Everything')).toBeDefined();
    expect(handler.publishOutcomeEvents()).toBe(grant);
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as any[];
    expect(fn.Properties.Environment.Variables.AUTO_REDRIVE_OUTCOME_EVENTS).toBe('true');
  });
});

describe('warnings: each under the library\'s name and its short id, the ids users acknowledge', () => {
  // A message with a token (a rule's ARN) is kept resolved: an Fn::Join whose last part ends with the id.
  const idsOf = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.anyValue())
    .map((warning) => /\[ack: ([^\]]+)\]/.exec(JSON.stringify(warning.entry.data))?.[1]);

  test('addWarning adds cdk-stepfunctions-redrive:<id>, once per message', () => {
    const stack = new Stack(new App(), 'TestStack');
    addWarning(stack, 'SomethingToLookAt', 'a message');
    addWarning(stack, 'SomethingToLookAt', 'a message');
    expect(idsOf(stack)).toEqual(['cdk-stepfunctions-redrive:SomethingToLookAt']);
  });

  test('the props\', the queues\' and the keys\' warnings keep their ids', () => {
    const stack = new Stack(new App(), 'TestStack');
    new AutoRedrive(stack, 'AutoRedrive', {
      stateMachines: [sfn.StateMachine.fromStateMachineArn(stack, 'Imported', 'arn:aws:states:us-east-1:123456789012:stateMachine:orders')],
      backoff: Backoff.exponential({ initialDelay: Duration.hours(1), maxDelay: Duration.days(20) }),
      reservedConcurrentExecutions: 2,
      maxConcurrency: 5,
      deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'DeadLetters', 'arn:aws:sqs:us-east-1:123456789012:dead-letters'),
      // An imported alias grants nothing: its key's policy is not the app's to change.
      encryptionKey: kms.Alias.fromAliasName(stack, 'Key', 'alias/redrive'),
    });
    expect([...new Set(idsOf(stack))].sort()).toEqual([
      'cdk-stepfunctions-redrive:BackoffBeyondSweepLookBack',
      'cdk-stepfunctions-redrive:DeadLetterQueuePolicy',
      'cdk-stepfunctions-redrive:EncryptionKeyPolicy',
      'cdk-stepfunctions-redrive:ImportedStateMachineEnvironment',
      'cdk-stepfunctions-redrive:MapRunRedriveUnverified',
      'cdk-stepfunctions-redrive:MaxDelayBeyondWindow',
      'cdk-stepfunctions-redrive:ReservedBelowMaxConcurrency',
    ]);
  });
});
