import { BackoffSpec } from '../../src/shared/contract';
import { executionArn, failureEvent } from '../../tools/events';
import { HarnessOptions, startHandler as startHarness } from '../support/handler-harness';

type Harness = Awaited<ReturnType<typeof startHandler>>;
const ORDER = executionArn('orders', 'run-1');
const EXPONENTIAL: BackoffSpec = { kind: 'EXPONENTIAL', initialDelaySeconds: 60, maxDelaySeconds: 3600, multiplier: 2, jitter: false };

/** The metric names and dimension sets of the EMF records, one string per metric and set. */
function metricsIn(emf: any[]): string[] {
  return emf.flatMap((record) => record._aws.CloudWatchMetrics.flatMap((directive: any) =>
    directive.Metrics.flatMap((metric: any) => directive.Dimensions.map((set: string[]) =>
      `${directive.Namespace}/${metric.Name}{${set.map((key) => `${key}=${record[key]}`).join(',')}}=${record[metric.Name]}`))));
}

/** These tests read the per-state-machine and per-reason dimensions: detailedMetrics on. */
const startHandler = (options: HarnessOptions = {}) => startHarness({ ...options, props: { detailedMetrics: true, ...options.props } });

describe('what the handler reports', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  test('a redrive: Execution Redriven, Redriven per service and state machine, one log line', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);

    await h.handler(failureEvent({ executionArn: ORDER, error: 'Lambda.ServiceException', cause: 'c'.repeat(1000), stopDate: h.fake.clock.now() }));

    expect(h.published()).toEqual([{
      Source: 'cdk-stepfunctions-redrive',
      DetailType: 'Execution Redriven',
      EventBusName: 'default',
      Resources: [ORDER],
      Detail: {
        autoRedrive: h.autoRedriveName,
        outcome: 'REDRIVEN',
        eventId: expect.any(String),
        executionArn: ORDER,
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders',
        trigger: 'event',
        redriveCount: 0,
        redriveDate: new Date(h.fake.clock.now()).toISOString(),
        error: 'Lambda.ServiceException',
        cause: `${'c'.repeat(256)}…`,
      },
    }]);
    expect(metricsIn(h.emf)).toEqual([
      `CdkStepFunctionsRedrive/Redriven{service=${h.autoRedriveName}}=1`,
      `CdkStepFunctionsRedrive/Redriven{service=${h.autoRedriveName},StateMachine=orders}=1`,
    ]);
    expect(h.logs).toEqual([expect.objectContaining({
      level: 'INFO',
      message: 'execution redriven',
      service: h.autoRedriveName,
      function_request_id: 'request-1',
      cold_start: expect.any(Boolean),
      trigger: 'event',
      eventId: expect.any(String),
      outcome: 'REDRIVEN',
      redrive: true,
      redriveCount: 0,
      executionArn: ORDER,
      stateMachineArn: expect.any(String),
      cause: `${'c'.repeat(256)}…`,
    })]);
  });

  test('a schedule: Redrive Scheduled with the delay and due time, Scheduled', async () => {
    h = await startHandler({ policy: { backoff: EXPONENTIAL } });
    await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 1, stopDate: h.fake.clock.now() }));

    expect(h.published()).toEqual([expect.objectContaining({
      DetailType: 'Redrive Scheduled',
      Detail: expect.objectContaining({ outcome: 'SCHEDULED', delaySeconds: 120, redriveAt: expect.stringMatching(/Z$/), redriveCount: 1 }),
    })]);
    expect(metricsIn(h.emf)).toContain(`CdkStepFunctionsRedrive/Scheduled{service=${h.autoRedriveName},StateMachine=orders}=1`);
  });

  test('a skip: Redrive Skipped with the reason, Skipped by reason', async () => {
    h = await startHandler();
    await h.handler(failureEvent({ executionArn: ORDER, error: 'States.Runtime', stopDate: h.fake.clock.now() }));

    expect(h.published()).toEqual([expect.objectContaining({
      DetailType: 'Redrive Skipped',
      Detail: expect.objectContaining({ outcome: 'SKIPPED', reason: 'ERROR_NOT_ALLOWED', detail: expect.stringContaining('States.Runtime') }),
    })]);
    expect(metricsIn(h.emf)).toEqual([
      `CdkStepFunctionsRedrive/Skipped{service=${h.autoRedriveName}}=1`,
      `CdkStepFunctionsRedrive/Skipped{service=${h.autoRedriveName},StateMachine=orders}=1`,
      `CdkStepFunctionsRedrive/Skipped{service=${h.autoRedriveName},Reason=ERROR_NOT_ALLOWED}=1`,
      `CdkStepFunctionsRedrive/Skipped{service=${h.autoRedriveName},StateMachine=orders,Reason=ERROR_NOT_ALLOWED}=1`,
    ]);
  });

  test('exhaustion: Redrive Exhausted, and Exhausted besides the skip', async () => {
    h = await startHandler();
    await h.handler(failureEvent({ executionArn: ORDER, redriveCount: 3, stopDate: h.fake.clock.now() }));

    expect(h.published()).toEqual([expect.objectContaining({ DetailType: 'Redrive Exhausted', Detail: expect.objectContaining({ outcome: 'EXHAUSTED', reason: 'EXHAUSTED' }) })]);
    expect(metricsIn(h.emf)).toEqual(expect.arrayContaining([
      `CdkStepFunctionsRedrive/Exhausted{service=${h.autoRedriveName}}=1`,
      `CdkStepFunctionsRedrive/Exhausted{service=${h.autoRedriveName},StateMachine=orders}=1`,
      `CdkStepFunctionsRedrive/Skipped{service=${h.autoRedriveName},Reason=EXHAUSTED}=1`,
    ]));
  });

  test('a rejected redrive: Redrive Failed, final, and Failed', async () => {
    h = await startHandler();
    await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(h.published()).toEqual([expect.objectContaining({
      DetailType: 'Redrive Failed',
      Detail: expect.objectContaining({ outcome: 'FAILED', reason: 'REDRIVE_REJECTED', final: true, detail: expect.stringContaining('ExecutionDoesNotExist') }),
    })]);
    expect(metricsIn(h.emf)).toContain(`CdkStepFunctionsRedrive/Failed{service=${h.autoRedriveName}}=1`);
  });

  test('a throttled redrive: Redrive Scheduled with scheduleReason THROTTLED, and PutOff', async () => {
    h = await startHandler({ retryMode: 'standard' });
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'ExecutionLimitExceeded' }, 5);

    await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(h.published()).toEqual([expect.objectContaining({
      DetailType: 'Redrive Scheduled',
      Detail: expect.objectContaining({ outcome: 'SCHEDULED', scheduleReason: 'THROTTLED', executionArn: ORDER, trigger: 'event' }),
    })]);
    expect(metricsIn(h.emf)).toContain(`CdkStepFunctionsRedrive/PutOff{service=${h.autoRedriveName},StateMachine=orders}=1`);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'redrive scheduled', throttledBy: 'ExecutionLimitExceeded', putOffs: 1 }));
  });

  test('a failed redrive: Redrive Failed, not final, Failed, and the invocation still fails', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'InternalServerError', status: 500 }, 5);

    await expect(h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }))).rejects.toMatchObject({ name: 'InternalServerError' });

    expect(h.published()).toEqual([expect.objectContaining({
      DetailType: 'Redrive Failed',
      Detail: expect.objectContaining({ outcome: 'FAILED', reason: 'InternalServerError', final: false, executionArn: ORDER }),
    })]);
    expect(metricsIn(h.emf)).toContain(`CdkStepFunctionsRedrive/Failed{service=${h.autoRedriveName},StateMachine=orders}=1`);
  });

  test('a bad event: Redrive Failed and BadEvents', async () => {
    h = await startHandler();
    await h.handler({ id: 'evt-7', source: 'aws.states' });

    expect(h.published()).toEqual([expect.objectContaining({ DetailType: 'Redrive Failed', Detail: expect.objectContaining({ reason: 'BAD_EVENT', eventId: 'evt-7', final: true }) })]);
    expect(metricsIn(h.emf)).toEqual([`CdkStepFunctionsRedrive/BadEvents{service=${h.autoRedriveName}}=1`]);
  });

  test.each([
    ['PutEvents failing', (h2: Harness) => h2.fake.faults.inject('PutEvents', { kind: 'error', code: 'AccessDeniedException' }, 10)],
    ['PutEvents rejecting the entry', (h2: Harness) => { h2.fake.eventBridge.rejectEntriesWith = 'InternalFailure'; }],
  ])('%s never undoes the redrive: it is logged and counted', async (_name, breakPublishing) => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    breakPublishing(h);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(outcome.outcome).toBe('REDRIVEN');
    expect(h.fake.stepFunctions.redrivesOf(ORDER)).toBe(1);
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'outcome event not published; the decision stands', outcomeEvent: 'Execution Redriven' }));
    expect(metricsIn(h.emf)).toContain(`CdkStepFunctionsRedrive/OutcomeEventFailures{service=${h.autoRedriveName}}=1`);
  });

  test('nothing reported carries the execution input or output', async () => {
    h = await startHandler();
    h.fake.stepFunctions.addExecution(ORDER);
    const event = failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() });
    event.detail.output = '{"secret":"output-9"}';

    await h.handler(event);

    const reported = JSON.stringify([h.logs, h.emf, h.published()]);
    expect(reported).not.toContain('4111-secret');
    expect(reported).not.toContain('output-9');
  });

  test('by default, metrics have the service dimension only: one custom metric each, whatever the number of state machines', async () => {
    h = await startHarness();
    h.fake.stepFunctions.addExecution(ORDER);

    await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));
    await h.handler(failureEvent({ executionArn: ORDER, error: 'States.Runtime', stopDate: h.fake.clock.now() }));

    expect(metricsIn(h.emf)).toEqual([
      `CdkStepFunctionsRedrive/Redriven{service=${h.autoRedriveName}}=1`,
      `CdkStepFunctionsRedrive/Skipped{service=${h.autoRedriveName}}=1`,
    ]);
  });

  test('without an on*() helper or outcomeEvents, no outcome event is published, and the role cannot publish one', async () => {
    h = await startHarness({ props: { outcomeEvents: false } });
    h.fake.stepFunctions.addExecution(ORDER);

    const outcome = await h.handler(failureEvent({ executionArn: ORDER, stopDate: h.fake.clock.now() }));

    expect(outcome.outcome).toBe('REDRIVEN');
    expect(h.fake.callsOf('PutEvents')).toHaveLength(0);
    expect(h.fake.iam.evaluate('events:PutEvents', 'arn:aws:events:us-east-1:123456789012:event-bus/default').allowed).toBe(false);
  });
});
