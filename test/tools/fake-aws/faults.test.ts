import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { errorOf, useFakeAws, waitFor } from '../../support/sdk-environment';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:orders:order-1';
const describe_ = (client: SFNClient, abortSignal?: AbortSignal) =>
  client.send(new DescribeExecutionCommand({ executionArn: ARN }), abortSignal ? { abortSignal } : {});

describe('hang and trickle faults', () => {
  const fake = useFakeAws();
  let clients: SFNClient[] = [];
  const client = (requestHandler: object = {}) => {
    const created = new SFNClient({ maxAttempts: 1, requestHandler });
    clients.push(created);
    return created;
  };
  beforeEach(() => fake().stepFunctions.addExecution(ARN));
  afterEach(() => {
    for (const created of clients) created.destroy();
    clients = [];
  });

  test('a hung call ends on the client idle-socket timeout; the next call is answered', async () => {
    fake().faults.inject('DescribeExecution', { kind: 'hang' });
    const sfn = client({ socketTimeout: 200 });

    const error = await errorOf(describe_(sfn));

    expect(error.name).toBe('TimeoutError');
    expect(fake().callsOf('DescribeExecution')).toHaveLength(1);
    await expect(describe_(sfn)).resolves.toMatchObject({ status: 'FAILED' });
  });

  test('a hung call ends on the client request timeout when it throws', async () => {
    fake().faults.inject('DescribeExecution', { kind: 'hang' });
    const error = await errorOf(describe_(client({ requestTimeout: 200, throwOnRequestTimeout: true })));
    expect(error.name).toBe('TimeoutError');
  });

  test('a hung call ends when the caller aborts it, and performs nothing', async () => {
    fake().faults.inject('*', { kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);

    const error = await errorOf(describe_(client(), controller.signal));

    expect(error.name).toBe('AbortError');
    expect(fake().iam.decisions).toEqual([]);
  });

  test('a trickled answer keeps the idle-socket timeout from firing: only an abort ends the call', async () => {
    fake().faults.inject('DescribeExecution', { kind: 'trickle', intervalMs: 40 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const started = Date.now();

    const error = await errorOf(describe_(client({ socketTimeout: 200 }), controller.signal));

    expect(error.name).toBe('AbortError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    await waitFor(() => fake().activeTimers === 0);
  });

  test('a trickled answer that is waited for arrives whole: the call was performed', async () => {
    fake().faults.inject('DescribeExecution', { kind: 'trickle', intervalMs: 1 });
    await expect(describe_(client({ socketTimeout: 200 }))).resolves.toMatchObject({ executionArn: ARN, status: 'FAILED', redriveCount: 0 });
    expect(fake().activeTimers).toBe(0);
  });

  test('a trickle needs a positive interval', () => {
    expect(() => fake().faults.inject('*', { kind: 'trickle', intervalMs: 0 })).toThrow(/intervalMs/);
  });
});
