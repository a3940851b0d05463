import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { WATCHED_SET_TTL_MS, WatchedStateMachines } from '../../lambda/redrive/watched-state-machines';
import { STATE_MACHINE_ARN_PREFIX } from '../support/events';
import { FakeAws } from '../support/fake-aws/server';

describe('WatchedStateMachines reads the rules the construct made', () => {
  let fake: FakeAws;
  let watched: WatchedStateMachines;
  const arn = (name: string) => `${STATE_MACHINE_ARN_PREFIX}${name}`;
  beforeEach(async () => {
    fake = await FakeAws.start();
    fake.eventBridge.putRule('Auto-1', { detail: { stateMachineArn: [arn('a'), arn('b')] } });
    fake.eventBridge.putRule('Auto-2', { detail: { stateMachineArn: [arn('c')] } });
    const client = new EventBridgeClient({ endpoint: fake.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    watched = new WatchedStateMachines(client, ['Auto-1', 'Auto-2'], () => new Date(fake.clock.now()));
  });
  afterEach(async () => fake.close());

  test('the union of every enabled rule\'s state machines', async () => {
    expect(await watched.arns()).toEqual(new Set([arn('a'), arn('b'), arn('c')]));
  });

  test('reads once for many concurrent events, then again only after the TTL', async () => {
    await Promise.all(Array.from({ length: 20 }, () => watched.arns()));
    expect(fake.callsOf('DescribeRule')).toHaveLength(2);

    fake.eventBridge.rules.get('Auto-2')!.State = 'DISABLED';
    fake.clock.advance(WATCHED_SET_TTL_MS - 1);
    expect(await watched.arns()).toContain(arn('c'));
    fake.clock.advance(1);
    expect(await watched.arns()).toEqual(new Set([arn('a'), arn('b')]));
    expect(fake.callsOf('DescribeRule')).toHaveLength(4);
  });

  test('a failed read is thrown, and the next call reads again', async () => {
    fake.faults.inject('DescribeRule', { kind: 'error', code: 'AccessDeniedException', status: 400 }, 1);
    await expect(watched.arns()).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(await watched.arns()).toHaveProperty('size', 3);
  });
});
