import { executionArn, failureEvent } from '../../../../tools/events';
import { startHandler } from '../../../support/handler-harness';

/** Step Functions answering oddly: fields missing, dates a hair off the handler's clock. */
type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'probe-odd-1');

function patchAnswer(h: Harness, operation: string, change: (answer: any) => any): void {
  const sfn = h.fake.stepFunctions as any;
  const original = sfn.handle.bind(sfn);
  sfn.handle = (op: string, input: any) => {
    const answer = original(op, input);
    return op === operation ? change({ ...answer }) : answer;
  };
}

describe('odd Step Functions answers', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('DescribeExecution of a redriven execution without redriveCount: the invocation fails, never redriven past maxRedrives', async () => {
    h = await startHandler({ props: { maxRedrives: 3 } });
    h.fake.stepFunctions.addExecution(ORDER, { redriveCount: 3 });
    patchAnswer(h, 'DescribeExecution', (answer) => ({ ...answer, redriveCount: undefined }));

    await expect(h.handler(failureEvent({ executionArn: ORDER, redriveCount: null, stopDate: h.fake.clock.now() })))
      .rejects.toMatchObject({ name: 'IncompleteDescription' });

    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(0);
  });

  test('DescribeExecution of a never-redriven execution without redriveCount: count 0, redriven once', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    patchAnswer(h, 'DescribeExecution', (answer) => ({ ...answer, redriveCount: undefined }));

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, redriveCount: null, stopDate: h.fake.clock.now() }));

    expect(outcome.outcome).toBe('REDRIVEN');
    expect(h.fake.stepFunctions.executions.get(ORDER)!.redriveCount).toBe(1);
  });

  test('RedriveExecution answers with a redriveDate 1 ms behind the handler\'s clock (clock skew): the redrive is still reported', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    patchAnswer(h, 'RedriveExecution', (answer) => ({ ...answer, redriveDate: answer.redriveDate - 0.001 }));

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(outcome.outcome).toBe('REDRIVEN');
    expect(h.published().filter((e) => e.DetailType === 'Execution Redriven')).toHaveLength(1);
  });

  test('RedriveExecution with a redriveDate in the future: reported REDRIVEN once', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    patchAnswer(h, 'RedriveExecution', (answer) => ({ ...answer, redriveDate: answer.redriveDate + 3600 }));

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(outcome.outcome).toBe('REDRIVEN');
  });

  test('ExecutionNotRedrivable after DescribeExecution said FAILED: skipped with a reason, not dead-lettered', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'ExecutionNotRedrivable', message: 'Execution is RUNNING' }, 1);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: null }));

    expect(outcome).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_REDRIVEN_OR_RUNNING' });
    expect(h.deadLetters()).toEqual([]);
  });
});
