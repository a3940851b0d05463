import { ACCOUNT, REGION, executionArn, failureEvent } from '../../../tools/events';
import { startHandler } from '../../support/handler-harness';

/**
 * Selection end to end: the construct synthesized with each selection, its rules and role deployed
 * to the local endpoint, events routed by the rules' patterns, and the handler acting under the role.
 */
type Harness = Awaited<ReturnType<typeof startHandler>>;

describe('state machines chosen by name prefix', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHandler({ props: { stateMachines: undefined, stateMachineNamePrefixes: ['orders-', 'billing'] }, expectAccessDenied: true });
  });
  afterEach(async () => h.stop());

  test('a failure of any state machine whose name starts with a prefix is delivered and redriven, one created after the deploy too', async () => {
    const arns = [executionArn('orders-eu', 'run-1'), executionArn('billing', 'run-1'), executionArn('billing-v2', 'run-1'), executionArn('orders-created-later', 'run-1')];
    for (const arn of arns) h.fake.stepFunctions.addExecution(arn);

    const outcomes = await Promise.all(arns.map((arn) => h.deliver(failureEvent({ executionArn: arn, stopDate: h.fake.clock.now() }))));

    expect(outcomes.map((outcome) => outcome?.outcome)).toEqual(['REDRIVEN', 'REDRIVEN', 'REDRIVEN', 'REDRIVEN']);
    expect(h.fake.iam.decisions.filter((decision) => !decision.allowed)).toEqual([]);
  });

  test('a state machine outside the prefixes is not delivered, and the role could not redrive it anyway', async () => {
    const other = executionArn('orders', 'run-1');
    h.fake.stepFunctions.addExecution(other);

    expect(await h.deliver(failureEvent({ executionArn: other, stopDate: h.fake.clock.now() }))).toBeUndefined();
    expect(h.fake.iam.evaluate('states:RedriveExecution', other).allowed).toBe(false);
    expect(h.fake.iam.evaluate('states:RedriveExecution', executionArn('orders-eu', 'x')).allowed).toBe(true);
  });

  test('only failed, redrivable executions are delivered', async () => {
    const arn = executionArn('orders-eu', 'run-2');
    expect(await h.deliver(failureEvent({ executionArn: arn, status: 'SUCCEEDED' }))).toBeUndefined();
    expect(await h.deliver(failureEvent({ executionArn: arn, redriveStatus: 'NOT_REDRIVABLE' }))).toBeUndefined();
  });
});

describe('every state machine of the account and Region', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHandler({ props: { stateMachines: undefined, allStateMachines: true } });
  });
  afterEach(async () => h.stop());

  test('a failure of any state machine is delivered and redriven', async () => {
    const arn = executionArn('anything-at-all', 'run-1');
    h.fake.stepFunctions.addExecution(arn);

    expect(await h.deliver(failureEvent({ executionArn: arn, stopDate: h.fake.clock.now() }))).toMatchObject({ outcome: 'REDRIVEN' });
  });

  test('an event about another account\'s or Region\'s state machine is not delivered', async () => {
    const elsewhere = (region: string, account: string) => `arn:aws:states:${region}:${account}:execution:orders:run-1`;
    for (const arn of [elsewhere(REGION, '210987654321'), elsewhere('eu-west-1', ACCOUNT)]) {
      const event = failureEvent({ executionArn: arn });
      event.detail.stateMachineArn = arn.replace(':execution:', ':stateMachine:').replace(/:run-1$/, '');
      expect(await h.deliver(event)).toBeUndefined();
    }
  });
});

describe('an explicit list', () => {
  test('delivers exactly the listed state machines', async () => {
    const h = await startHandler({ stateMachines: ['orders'] });
    try {
      h.fake.stepFunctions.addExecution(executionArn('orders', 'run-1'));
      expect(await h.deliver(failureEvent({ executionArn: executionArn('orders', 'run-1'), stopDate: h.fake.clock.now() }))).toMatchObject({ outcome: 'REDRIVEN' });
      expect(await h.deliver(failureEvent({ executionArn: executionArn('orders-eu', 'run-1') }))).toBeUndefined();
    } finally {
      await h.stop();
    }
  });
});
