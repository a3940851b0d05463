import { LIBRARY_SOURCE, SCHEDULED_REDRIVE_DETAIL_TYPE } from '../../src/shared/contract';
import { executionArn, failureEvent } from '../../tools/events';
import { FakeAws } from '../../tools/fake-aws/server';
import { addExecution, runCli, startFake } from '../support/cli-harness';
import { aMessageNaming, escapeRegExp, naming } from '../support/messages';
import { runCliInTerminal } from '../support/terminal-harness';

const orders = (name: string) => executionArn('orders', name);
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:redrive-handler';

/** What EventBridge writes when it cannot deliver an event to the handler: the event, and why in attributes. */
function undelivered(fake: FakeAws, queueUrl: string, event: object): string {
  return fake.sqs.putMessage(queueUrl, event, {
    ERROR_CODE: 'SDK_CLIENT_ERROR',
    ERROR_MESSAGE: 'Unable to invoke Lambda function: Rate Exceeded.',
    RULE_ARN: 'arn:aws:events:us-east-1:123456789012:rule/failed-executions',
    TARGET_ARN: FUNCTION_ARN,
    RETRY_ATTEMPTS: '185',
    EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
  });
}

/**
 * A message of the intake queue the handler failed on its receives: the intake queue's redrive
 * policy moves it to the dead-letter queue as it was. Its id there.
 */
function movedFromIntake(fake: FakeAws, deadLetterQueueUrl: string, body: object): string {
  const intakeUrl = fake.createQueue(`auto-redrive-intake-${++intakeQueues}`);
  fake.sqs.configure(intakeUrl, { visibilityTimeoutSeconds: 0, redrive: { deadLetterQueueUrl, maxReceiveCount: 1 } });
  const messageId = fake.sqs.putMessage(intakeUrl, body);
  fake.sqs.receive(intakeUrl, 10);
  fake.sqs.receive(intakeUrl, 10);
  return messageId;
}
let intakeQueues = 0;

/** A failure event of a stop a minute ago (the sample event's stop is long past the redrive window). */
function stoppedEvent(options: Parameters<typeof failureEvent>[0]): object {
  return failureEvent({ stopDate: Date.now() - 60_000, ...options });
}

function sweepRun(): object {
  return {
    'source': LIBRARY_SOURCE,
    'detail-type': 'Sweep',
    'detail': { selection: { kind: 'ALL' }, lookBackSeconds: 10_800, quotaShare: 0.5, statuses: ['FAILED'], scheduledTime: '2026-11-21T10:00:00Z' },
  };
}

function scheduledRedrive(arn: string): object {
  return {
    'source': LIBRARY_SOURCE,
    'detail-type': SCHEDULED_REDRIVE_DETAIL_TYPE,
    'detail': { executionArn: arn, redriveCount: 0, eventId: 'e-1', scheduledFor: new Date().toISOString(), reason: 'BACKOFF' },
  };
}

describe('cdk-stepfunctions-redrive replay', () => {
  let fake: FakeAws;
  let queueUrl: string;
  beforeEach(async () => {
    fake = await startFake();
    queueUrl = fake.createQueue('redrive-dlq');
  });
  afterEach(async () => {
    await fake.close();
  });

  /** Each kind of message, and each end: redriven, done with, kept. Returns the ids by name. */
  function fillQueue(): Record<string, string> {
    for (const name of ['eb', 'scheduled', 'lambda', 'rejected', 'truncated']) addExecution(fake, 'orders', name);
    addExecution(fake, 'orders', 'exhausted', { redriveCount: 3 });
    addExecution(fake, 'orders', 'running', { status: 'RUNNING', stopDate: undefined });
    addExecution(fake, 'orders', 'aborted', { status: 'ABORTED', error: undefined });
    const put = (body: string | object) => fake.sqs.putMessage(queueUrl, body);
    return {
      eb: undelivered(fake, queueUrl, stoppedEvent({ executionArn: orders('eb') })),
      scheduled: undelivered(fake, queueUrl, scheduledRedrive(orders('scheduled'))),
      lambda: movedFromIntake(fake, queueUrl, stoppedEvent({ executionArn: orders('lambda') })),
      rejected: put({ source: LIBRARY_SOURCE, reason: 'REDRIVE_REJECTED', error: 'ValidationException: try again', executionArn: orders('rejected'), event: stoppedEvent({ executionArn: orders('rejected') }) }),
      truncated: put({ source: LIBRARY_SOURCE, reason: 'BAD_EVENT', error: 'bad event', executionArn: orders('truncated'), event: '{"version":"0","id":"cut', eventTruncated: true }),
      exhausted: undelivered(fake, queueUrl, stoppedEvent({ executionArn: orders('exhausted'), redriveCount: 3 })),
      running: movedFromIntake(fake, queueUrl, stoppedEvent({ executionArn: orders('running'), redriveCount: 0 })),
      aborted: undelivered(fake, queueUrl, stoppedEvent({ executionArn: orders('aborted'), status: 'ABORTED', error: null })),
      text: put('hello, queue'),
      stranger: put({ foo: 1 }),
      gone: undelivered(fake, queueUrl, stoppedEvent({ executionArn: orders('gone') })),
      unreadable: put({ source: LIBRARY_SOURCE, reason: 'BAD_EVENT', error: 'bad event', event: { detail: 'nope' } }),
    };
  }

  test('each kind of message goes through the same checks; done ones are deleted, the rest stay visible with the reason', async () => {
    const ids = fillQueue();
    fake.sqs.tag(queueUrl, { 'cdk-stepfunctions-redrive:max-redrives': '3' });

    const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes']);

    expect(run.code).toBe(1);
    expect(fake.stepFunctions.redrives.map((r) => r.executionArn).sort()).toEqual(['eb', 'lambda', 'rejected', 'scheduled', 'truncated'].map(orders));
    const left = fake.sqs.messagesOf(queueUrl).map((message) => message.messageId);
    expect(left.sort()).toEqual([ids.aborted, ids.text, ids.stranger, ids.gone, ids.unreadable].sort());
    expect(fake.sqs.inFlight(queueUrl)).toBe(0);
    expect(run.stdout).toContain('redriven=5 skipped=3 failed=4 deleted=7 kept=5\n');
    expect(run.stdout).toContain('by reason: NOT_UNDERSTOOD=3 ALREADY_REDRIVEN_OR_RUNNING=1 EXHAUSTED=1 ExecutionDoesNotExist=1 STATUS_NOT_CHOSEN=1\n');
    const stays = run.stdout.slice(run.stdout.indexOf('stays in the queue:'));
    expect(stays).toMatch(new RegExp(`${ids.text}\\s+NOT_UNDERSTOOD\\s+the body is not JSON`));
    expect(stays).toMatch(new RegExp(`${ids.stranger}\\s+NOT_UNDERSTOOD\\s+not a Step Functions event`));
    expect(stays).toMatch(new RegExp(`${ids.unreadable}\\s+NOT_UNDERSTOOD\\s+a handler's message that names no execution`));
    expect(stays).toMatch(new RegExp(`${ids.gone}\\s+ExecutionDoesNotExist\\s+ExecutionDoesNotExist: `));
    expect(stays).toMatch(new RegExp(`${ids.aborted}\\s+STATUS_NOT_CHOSEN\\s+status ABORTED`));
    // The plan table says what kind each message is and what it failed with.
    expect(run.stdout).toMatch(new RegExp(`${ids.eb}\\s+UNDELIVERED_EVENT\\s+redrive\\s+-\\s+${escapeRegExp(orders('eb'))}\\s+SDK_CLIENT_ERROR: Unable`));
    expect(run.stdout).toMatch(new RegExp(`${ids.lambda}\\s+INTAKE\\s+redrive\\s+-\\s+${escapeRegExp(orders('lambda'))}\\s+\\S.*\\breceives\\b`));
    expect(run.stdout).toMatch(new RegExp(`${ids.truncated}\\s+HANDLER\\s+redrive\\s+.*the event was cut short to fit in the message: checked by its executionArn`));

    // A second replay redrives nothing new and keeps the same messages.
    const again = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes']);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('redriven=0 skipped=1 failed=4 deleted=0 kept=5\n');
    expect(fake.stepFunctions.redrives).toHaveLength(5);
    expect(fake.sqs.messagesOf(queueUrl)).toHaveLength(5);
  });

  test('--dry-run redrives nothing, deletes nothing and leaves every message visible', async () => {
    fillQueue();

    const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--dry-run']);

    expect(run.code).toBe(1);
    expect(fake.callsOf('RedriveExecution')).toEqual([]);
    expect(fake.callsOf('DeleteMessage')).toEqual([]);
    expect(fake.sqs.messagesOf(queueUrl)).toHaveLength(12);
    expect(fake.sqs.inFlight(queueUrl)).toBe(0);
    expect(run.stdout).toMatch(/^MESSAGE\s+KIND\s+WOULD\s+REASON\s+EXECUTION\s+FAILED WITH\s+WHY$/m);
    expect(run.stdout).toContain('redriven=0 wouldRedrive=5 skipped=3 failed=4 deleted=0 kept=12\n');
    expect(run.stdout).not.toContain('DRY_RUN');
  });

  test('a queue of failures it can handle: exit 0, an empty queue after; two messages about one execution make one redrive', async () => {
    addExecution(fake, 'orders', 'twice');
    addExecution(fake, 'orders', 'once');
    undelivered(fake, queueUrl, stoppedEvent({ executionArn: orders('twice') }));
    movedFromIntake(fake, queueUrl, stoppedEvent({ executionArn: orders('twice') }));
    movedFromIntake(fake, queueUrl, scheduledRedrive(orders('once')));

    const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes', '--json']);

    expect(run.code).toBe(0);
    expect(fake.stepFunctions.redrives.map((r) => r.executionArn).sort()).toEqual([orders('once'), orders('twice')]);
    expect(fake.sqs.messagesOf(queueUrl)).toEqual([]);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      command: 'replay',
      dryRun: false,
      interrupted: false,
      queueUrl,
      summary: { redriven: 2, skipped: 1, failed: 0, notAttempted: 0, deleted: 3, kept: 0, byReason: { ALREADY_REDRIVEN_OR_RUNNING: 1 } },
    });
    expect(report.messages).toHaveLength(3);
    expect(report.messages[0]).toEqual({
      messageId: expect.any(String),
      kind: 'UNDELIVERED_EVENT',
      executionArn: orders('twice'),
      error: 'SDK_CLIENT_ERROR: Unable to invoke Lambda function: Rate Exceeded.',
      outcome: 'REDRIVEN',
      detail: expect.stringMatching(/^redriven at /),
      deleted: true,
    });
    expect(report.messages[1]).toMatchObject({ kind: 'INTAKE', outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING', deleted: true });
  });

  test('--max bounds the messages read; the others are not touched', async () => {
    for (let i = 0; i < 25; i++) {
      addExecution(fake, 'orders', `m${i}`);
      undelivered(fake, queueUrl, stoppedEvent({ executionArn: orders(`m${i}`) }));
    }

    const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--max', '12', '--yes', '--rate', '50']);

    expect(run.code).toBe(0);
    expect(fake.stepFunctions.redrives).toHaveLength(12);
    expect(fake.sqs.messagesOf(queueUrl)).toHaveLength(13);
    expect(fake.sqs.messagesOf(queueUrl).every((message) => message.receiveCount === 0)).toBe(true);
    expect(fake.callsOf('ReceiveMessage').map((input) => input.MaxNumberOfMessages)).toEqual([10, 2]);
  });

  test('throttled redrives are slowed down and retried; nothing is lost or deleted too soon', async () => {
    for (let i = 0; i < 10; i++) {
      addExecution(fake, 'orders', `t${i}`);
      undelivered(fake, queueUrl, stoppedEvent({ executionArn: orders(`t${i}`) }));
    }
    fake.faults.inject('RedriveExecution', { kind: 'error', code: 'ThrottlingException', message: 'Rate exceeded' }, 4);

    const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes', '--rate', '20']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('redriven=10 skipped=0 failed=0 deleted=10 kept=0\n');
    expect(new Set(fake.stepFunctions.redrives.map((r) => r.executionArn)).size).toBe(10);
    expect(fake.stepFunctions.redrives).toHaveLength(10);
  });

  test('the intake queue\'s own dead letters: an event and a due redrive are redriven; a sweep run goes back to the intake queue', async () => {
    const intakeUrl = fake.createQueue('auto-redrive-intake');
    fake.sqs.configure(intakeUrl, { visibilityTimeoutSeconds: 0, redrive: { deadLetterQueueUrl: queueUrl, maxReceiveCount: 1 } });
    addExecution(fake, 'orders', 'intake-event');
    addExecution(fake, 'orders', 'intake-schedule');
    for (const body of [stoppedEvent({ executionArn: orders('intake-event') }), scheduledRedrive(orders('intake-schedule')), sweepRun()]) {
      fake.sqs.putMessage(intakeUrl, body);
    }
    // Received once each and failed: the next receive moves them to the dead-letter queue, as they were.
    expect(fake.sqs.receive(intakeUrl, 10)).toHaveLength(3);
    expect(fake.sqs.receive(intakeUrl, 10)).toHaveLength(0);
    expect(fake.sqs.messagesOf(queueUrl)).toHaveLength(3);

    const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes', '--json']);

    const report = JSON.parse(run.stdout);
    expect(report.messages).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'INTAKE', executionArn: orders('intake-event'), outcome: 'REDRIVEN', deleted: true, error: aMessageNaming('receives') }),
      expect.objectContaining({ kind: 'INTAKE', executionArn: orders('intake-schedule'), outcome: 'REDRIVEN', deleted: true }),
      expect.objectContaining({ kind: 'SWEEP', outcome: 'REPLAYED', deleted: true, detail: expect.stringContaining(intakeUrl) }),
    ]));
    expect(report.summary).toMatchObject({ redriven: 2, replayed: 1, deleted: 3, kept: 0 });
    expect(run.code).toBe(0);
    expect(fake.stepFunctions.redrives.map((r) => r.executionArn).sort()).toEqual([orders('intake-event'), orders('intake-schedule')]);
    expect(fake.sqs.messagesOf(queueUrl)).toHaveLength(0);
    expect(fake.sqs.bodies(intakeUrl)).toEqual([sweepRun()]);
  });

  test('a sweep run Scheduler could not deliver goes back to the intake queue the dead-letter queue\'s tag names; without it, it stays with what to do', async () => {
    const intakeUrl = fake.createQueue('auto-redrive-intake');
    const fromScheduler = fake.sqs.putMessage(queueUrl, sweepRun(), { ERROR_CODE: 'AWS.SimpleQueueService.NonExistentQueue', ERROR_MESSAGE: 'gone for a while' });

    const untagged = JSON.parse((await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes', '--json'])).stdout);
    expect(untagged.messages).toEqual(expect.arrayContaining([fromScheduler].map((messageId) => expect.objectContaining({
      messageId, kind: 'SWEEP', outcome: 'SKIPPED', reason: 'SWEEP_RUN', deleted: false, detail: aMessageNaming('body', 'intake queue'),
    }))));

    fake.sqs.tag(queueUrl, { 'cdk-stepfunctions-redrive:intake-queue': 'auto-redrive-intake' });
    const tagged = JSON.parse((await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes', '--json'])).stdout);
    expect(tagged.summary).toMatchObject({ replayed: 1, deleted: 1 });
    expect(fake.sqs.bodies(intakeUrl)).toEqual([sweepRun()]);
    expect(fake.sqs.messagesOf(queueUrl)).toHaveLength(0);
  });

  describe('replay deletes only what can never be redriven under the construct\'s policy', () => {
    const ERRORS = { taskFailed: 'States.TaskFailed', unfixable: 'States.Runtime' };
    /** One undelivered event per execution, each with its error and redrive count; the queue says the construct's maxRedrives. */
    function queueOf(executions: Record<string, { error?: string; redriveCount?: number }>, constructMaxRedrives?: number): Record<string, string> {
      if (constructMaxRedrives !== undefined) fake.sqs.tag(queueUrl, { 'cdk-stepfunctions-redrive:max-redrives': String(constructMaxRedrives) });
      return Object.fromEntries(Object.entries(executions).map(([name, facts]) => {
        addExecution(fake, 'orders', name, { ...facts });
        const event = stoppedEvent({ executionArn: orders(name), error: facts.error, redriveCount: facts.redriveCount ?? 0 });
        return [name, undelivered(fake, queueUrl, event)];
      }));
    }
    const left = () => fake.sqs.messagesOf(queueUrl).map((message) => message.messageId).sort();

    test('--error narrows the run: a message with another error stays, visible at once; the allowed one is redriven and deleted', async () => {
      const ids = queueOf({ task: { error: ERRORS.taskFailed }, lambda: { error: 'Lambda.ServiceException' } }, 3);

      const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes', '--error', 'Lambda.ServiceException']);

      expect(run.code).toBe(0);
      expect(fake.stepFunctions.redrives.map((r) => r.executionArn)).toEqual([orders('lambda')]);
      expect(left()).toEqual([ids.task]);
      expect(fake.sqs.inFlight(queueUrl)).toBe(0);
    });

    test('--max-redrives narrows the run: exhausted under the flag but not at the construct\'s maxRedrives, it stays; at it, it is deleted', async () => {
      const ids = queueOf({ twice: { redriveCount: 2 }, thrice: { redriveCount: 3 } }, 3);

      const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes', '--max-redrives', '2']);

      expect(fake.stepFunctions.redrives).toEqual([]);
      expect(left()).toEqual([ids.twice]);
      expect(run.stdout).toMatch(new RegExp(`${ids.twice}\\s+EXHAUSTED\\s+.*the construct allows 3: kept`));
    });

    test('the default flags are stricter than a construct with ErrorFilter.all(): an unfixable error stays', async () => {
      const ids = queueOf({ runtime: { error: ERRORS.unfixable } }, 3);

      await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes']);

      expect(fake.stepFunctions.redrives).toEqual([]);
      expect(left()).toEqual([ids.runtime]);
    });

    test('a queue that does not say the construct\'s maxRedrives keeps exhausted messages, and says why', async () => {
      const ids = queueOf({ thrice: { redriveCount: 3 } });

      const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes']);

      expect(left()).toEqual([ids.thrice]);
      // Why the message stays: the tag that would say the construct's maxRedrives.
      expect(run.stdout).toMatch(naming('maxRedrives', 'cdk-stepfunctions-redrive:max-redrives', 'kept'));
    });

    test('an execution that succeeded or whose window closed since is done, even from a cut-short handler message', async () => {
      addExecution(fake, 'orders', 'succeeded', { status: 'SUCCEEDED' });
      addExecution(fake, 'orders', 'old', { stopDate: Date.now() - 15 * 24 * 3600 * 1000 });
      for (const name of ['succeeded', 'old']) {
        fake.sqs.putMessage(queueUrl, { source: LIBRARY_SOURCE, reason: 'BAD_EVENT', error: 'bad event', executionArn: orders(name), event: '{"cut', eventTruncated: true });
      }

      const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes', '--json']);

      expect(JSON.parse(run.stdout).messages.map((m: any) => [m.executionArn, m.reason, m.deleted])).toEqual(expect.arrayContaining([
        [orders('succeeded'), 'NOT_REDRIVABLE', true],
        [orders('old'), expect.stringMatching(/^(NOT_REDRIVABLE|REDRIVE_WINDOW_CLOSED)$/), true],
      ]));
      expect(left()).toEqual([]);
    });

    test('in a terminal, the question says how many it will redrive and delete; no deletes nothing, and every message is visible again', async () => {
      queueOf({ failed: {}, thrice: { redriveCount: 3 } }, 3);

      const run = await runCliInTerminal(fake, ['replay', '--queue-url', queueUrl], [{ when: /\[y\/N\] $/, type: 'n\r' }]);

      expect(run.screen).toContain('Redrive 1 execution(s), then delete their messages and 1 message(s) about executions that can no longer be redriven? [y/N]');
      expect(run.screen).toContain('nothing redriven or deleted: the answer was not yes');
      expect(run.code).toBe(1);
      expect(fake.stepFunctions.redrives).toEqual([]);
      expect(fake.sqs.messagesOf(queueUrl)).toHaveLength(2);
      expect(fake.sqs.inFlight(queueUrl)).toBe(0);
    }, 30_000);

    test('in a terminal, Ctrl-C while checking, before the question: nothing is redriven or deleted, every message visible again, exit 130', async () => {
      const ids = queueOf(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`slow${i}`, { redriveCount: i % 2 === 0 ? 0 : 3 }])), 3);

      // Once three messages are checked, an exhausted one among them.
      const run = await runCliInTerminal(fake, ['replay', '--queue-url', queueUrl, '--rate', '2'], [{ when: /checking .* 3\/8 /, type: '\x03' }]);

      expect(run.code).toBe(130);
      expect(run.screen).not.toContain('[y/N]');
      expect(fake.stepFunctions.redrives).toEqual([]);
      expect(left()).toEqual(Object.values(ids).sort());
      expect(fake.sqs.inFlight(queueUrl)).toBe(0);
    }, 30_000);

    test('in a terminal, Ctrl-C at the question deletes nothing', async () => {
      queueOf({ failed: {}, thrice: { redriveCount: 3 } }, 3);

      const run = await runCliInTerminal(fake, ['replay', '--queue-url', queueUrl], [{ when: /\[y\/N\] $/, type: '\x03' }]);

      expect(run.code).not.toBe(0);
      expect(fake.stepFunctions.redrives).toEqual([]);
      expect(fake.sqs.messagesOf(queueUrl)).toHaveLength(2);
    }, 30_000);
  });

  test('each execution is described once: a check as recent as a fresh event is acted on without looking again', async () => {
    const names = ['one', 'two', 'three'];
    for (const name of names) {
      addExecution(fake, 'orders', name);
      undelivered(fake, queueUrl, stoppedEvent({ executionArn: orders(name) }));
    }

    const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes']);

    expect(run.code).toBe(0);
    expect(fake.stepFunctions.redrives.map((r) => r.executionArn).sort()).toEqual(names.map(orders).sort());
    expect(fake.callsOf('DescribeExecution').map((call) => call.executionArn).sort()).toEqual(names.map(orders).sort());
  });

  test('a queue that does not exist: exit 2 with a sentence', async () => {
    const run = await runCli(fake, ['replay', '--queue-url', `${fake.url}/123456789012/nope`, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(naming(`${fake.url}/123456789012/nope`));
  });

  test('an empty queue: nothing to do, exit 0', async () => {
    const run = await runCli(fake, ['replay', '--queue-url', queueUrl, '--yes']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('the queue holds no message');
    expect(run.stdout).toContain('redriven=0 skipped=0 failed=0 deleted=0 kept=0\n');
  });
});

