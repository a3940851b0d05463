import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { OrderPipelineStack } from '../examples/order-pipeline-stack';
import { synthesizedHandlerOf } from './support/cloud-assembly';
import { deployToFake, FakeDeployment } from './support/deploy-to-fake';
import { executionArn, failureEvent } from './support/events';
import { FakeAws } from './support/fake-aws/server';
import { runBundle } from './support/run-bundle';

const MINUTE = 60_000;

/**
 * Synthesizes the example app as `cdk synth` would, "deploys" it to the local endpoint, then runs
 * the handler bundle from the cloud assembly in a fresh Node.js process, with the environment its
 * template gives it.
 */
describe('examples/ OrderPipelineStack', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'auto-redrive-example-'));
  const app = new App({ outdir });
  const stack = new OrderPipelineStack(app, 'OrderPipeline');
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const resources: Record<string, any> = artifact.template.Resources;
  const { resource: handlerResource, bundleDir } = synthesizedHandlerOf(assembly, artifact);
  const [machineId] = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::StepFunctions::StateMachine');

  let fake: FakeAws;
  let deployment: FakeDeployment;
  const invoke = (event: unknown, environment = deployment.environment) => runBundle(bundleDir, environment, event, deployment.handlerArn);
  beforeAll(async () => {
    fake = await FakeAws.start();
    deployment = deployToFake(artifact.template, fake, { [machineId]: 'orders' });
  });
  afterAll(async () => {
    await fake.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('synthesizes a template with the construct and a bundled handler in the cloud assembly', () => {
    expect(handlerResource.Properties.Runtime).toBe('nodejs22.x');
    expect(fs.statSync(path.join(bundleDir, 'index.js')).size).toBeGreaterThan(10_000);
  });

  test('the deployed handler schedules a delayed redrive once, even when the event comes twice, and redrives when it fires', async () => {
    const arn = executionArn('orders', 'order-1');
    fake.stepFunctions.addExecution(arn);
    const event = failureEvent({ executionArn: arn, error: 'Lambda.ServiceException', stopDate: fake.clock.now() });

    const first = await invoke(event);
    const second = await invoke(event);

    expect(first.result).toMatchObject({ outcome: 'SCHEDULED', alreadyScheduled: false });
    expect(second.result).toMatchObject({ outcome: 'SCHEDULED', alreadyScheduled: true });
    expect(first.logs).toContainEqual(expect.objectContaining({
      level: 'INFO', message: 'redrive scheduled', service: stack.autoRedrive.autoRedriveName, executionArn: arn, redriveCount: 0,
    }));
    expect(first.logs).toContainEqual(expect.objectContaining({
      _aws: expect.objectContaining({
        CloudWatchMetrics: [{ Namespace: 'CdkStepFunctionsRedrive', Dimensions: [['service']], Metrics: [{ Name: 'RedrivesScheduled', Unit: 'Count' }] }],
      }),
      service: stack.autoRedrive.autoRedriveName,
      RedrivesScheduled: 1,
    }));
    expect(fake.stepFunctions.redrivesOf(arn)).toBe(0);

    fake.clock.advance(10 * MINUTE);
    const due = fake.scheduler.takeDue();
    expect(due).toHaveLength(1);
    expect(due[0].Target.Arn).toBe(deployment.handlerArn);
    const fired = await invoke(JSON.parse(due[0].Target.Input!), { ...deployment.environment });

    expect(fired.result).toMatchObject({ outcome: 'REDRIVEN' });
    expect(fake.stepFunctions.redrivesOf(arn)).toBe(1);
    expect(fired.logs).toContainEqual(expect.objectContaining({ RedrivesStarted: 1, service: stack.autoRedrive.autoRedriveName }));
    const published = fake.eventBridge.published.filter((outcomeEvent) => outcomeEvent.Detail.executionArn === arn);
    expect(published.map((outcomeEvent) => outcomeEvent.DetailType)).toEqual(['Redrive Scheduled', 'Redrive Scheduled', 'Redrive Started']);
    expect(published[2]).toMatchObject({
      Source: 'cdk-stepfunctions-redrive',
      EventBusName: 'default',
      Detail: { autoRedrive: stack.autoRedrive.autoRedriveName, outcome: 'STARTED', redriveCount: 0, executionArn: arn },
    });
  });

  test('the deployed handler skips an error the example denies, with the reason logged', async () => {
    const arn = executionArn('orders', 'order-2');
    fake.stepFunctions.addExecution(arn);

    const run = await invoke(failureEvent({ executionArn: arn, error: 'OrderRejected', stopDate: fake.clock.now() }));

    expect(run.result).toMatchObject({ outcome: 'SKIPPED', reason: 'ERROR_NOT_ALLOWED' });
    expect(run.logs).toContainEqual(expect.objectContaining({ message: 'redrive skipped', reason: 'ERROR_NOT_ALLOWED' }));
  });

  test('a due redrive of a state machine the deployed role does not cover ends as NO_LONGER_WATCHED, not as a failure', async () => {
    const arn = executionArn('inventory', 'run-9');
    fake.stepFunctions.addExecution(arn);
    const scheduled = await invoke(failureEvent({ executionArn: arn, stopDate: fake.clock.now() }));
    expect(scheduled.result).toMatchObject({ outcome: 'SCHEDULED' });

    fake.clock.advance(10 * MINUTE);
    const due = fake.scheduler.takeDue().filter((schedule) => schedule.Target.Input!.includes(arn));
    const fired = await invoke(JSON.parse(due[0].Target.Input!));

    expect(fired.result).toMatchObject({ outcome: 'SKIPPED', reason: 'NO_LONGER_WATCHED' });
    expect(fake.iam.decisions).toContainEqual({ action: 'states:DescribeExecution', resource: arn, allowed: false });
    expect(fake.stepFunctions.redrivesOf(arn)).toBe(0);
  });

  test('the deployed handler puts a malformed event in the dead-letter queue', async () => {
    const run = await invoke({ id: 'evt-bad', source: 'aws.states', detail: 'nope' });

    expect(run.result).toMatchObject({ outcome: 'DEAD_LETTERED', reason: 'BAD_EVENT' });
    expect(fake.sqs.bodies(deployment.deadLetterQueueUrl)).toContainEqual(
      expect.objectContaining({ reason: 'BAD_EVENT', error: expect.stringContaining('bad event evt-bad') }));
  });

  test('the deployed handler fails the invocation when the scheduler keeps throttling', async () => {
    const arn = executionArn('orders', 'order-3');
    fake.faults.inject('CreateSchedule', { kind: 'error', code: 'ThrottlingException' }, 4);

    const run = await invoke(failureEvent({ executionArn: arn, stopDate: fake.clock.now() }), { ...deployment.environment, AWS_MAX_ATTEMPTS: '2' });

    expect(run.error).toMatchObject({ name: 'ThrottlingException' });
    expect(fake.callsOf('CreateSchedule').filter((call) => call.Target.Input.includes('order-3'))).toHaveLength(2);
  });
});
