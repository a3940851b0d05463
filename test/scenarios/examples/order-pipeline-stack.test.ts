import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { OrderPipelineStack } from '../../../examples/order-pipeline-stack';
import { synthesizedHandlerOf } from '../../../tools/cloud-assembly';
import { deployToFake, FakeDeployment } from '../../../tools/deploy-to-fake';
import { EventSourceMapping } from '../../../tools/event-source-mapping';
import { executionArn, failureEvent } from '../../../tools/events';
import { FakeAws } from '../../../tools/fake-aws/server';
import { aMessageNaming } from '../../support/messages';
import { runBundle } from '../../support/run-bundle';

const MINUTE = 60_000;

/**
 * Synthesizes the example app as `cdk synth` would, "deploys" it to the local endpoint, then feeds
 * the handler bundle from the cloud assembly with SQS batches from its intake queue, as the event
 * source mapping does, each in a fresh Node.js process with the environment its template gives it.
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
  /** Every JSON line the bundle printed, invocation after invocation. */
  let logs: any[] = [];
  /** The intake queue's event source mapping invoking the bundle in a fresh process per batch, with `environment`. */
  const mappingWith = (environment: Record<string, string> = deployment.environment) =>
    new EventSourceMapping(fake, deployment.intake!, async (batch) => {
      const run = await runBundle(bundleDir, environment, batch, deployment.handlerArn);
      logs.push(...run.logs);
      if (run.error) throw Object.assign(new Error(run.error.message), { name: run.error.name });
      return run.result;
    });
  const intakeMessages = () => fake.sqs.messagesOf(deployment.intake!.queueUrl);
  beforeAll(async () => {
    fake = await FakeAws.start();
    deployment = deployToFake(artifact.template, fake, { [machineId]: 'orders' });
  });
  beforeEach(() => {
    logs = [];
  });
  afterAll(async () => {
    await fake.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('synthesizes a template with the construct, an intake queue feeding the handler, and a bundled handler in the cloud assembly', () => {
    expect(handlerResource.Properties.Runtime).toBe('nodejs22.x');
    expect(handlerResource.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(deployment.intake).toMatchObject({ batchSize: 10, visibilityTimeoutSeconds: 180 });
    expect(fs.statSync(path.join(bundleDir, 'index.js')).size).toBeGreaterThan(10_000);
  });

  test('an event EventBridge delivers twice is scheduled once and reported once; the due schedule comes back through the queue and redrives', async () => {
    const arn = executionArn('orders', 'order-1');
    fake.stepFunctions.addExecution(arn);
    const event = failureEvent({ executionArn: arn, error: 'Lambda.ServiceException', stopDate: fake.clock.now() });

    expect(deployment.publish(event)).toBe(1);
    expect(deployment.publish(event)).toBe(1);
    const mapping = mappingWith();
    await mapping.drain();

    expect(mapping).toMatchObject({ invocations: 1, deleted: 2, returned: 0 });
    expect(intakeMessages()).toHaveLength(0);
    expect(fake.callsOf('CreateSchedule').filter((call) => call.Target.Input.includes('order-1'))).toHaveLength(1);
    expect(logs.filter((line) => line.message === 'redrive scheduled')).toEqual([expect.objectContaining({
      level: 'INFO', service: stack.autoRedrive.autoRedriveName, executionArn: arn, redriveCount: 0, messageId: expect.any(String), receiveCount: 1,
    })]);
    expect(logs).toContainEqual(expect.objectContaining({
      _aws: expect.objectContaining({
        CloudWatchMetrics: [{ Namespace: 'CdkStepFunctionsRedrive', Dimensions: [['service']], Metrics: [{ Name: 'Scheduled', Unit: 'Count' }] }],
      }),
      service: stack.autoRedrive.autoRedriveName,
      Scheduled: 1,
    }));
    expect(fake.stepFunctions.redrivesOf(arn)).toBe(0);

    fake.clock.advance(10 * MINUTE);
    const [due] = [...fake.scheduler.schedules.values()].filter((schedule) => schedule.Target.Input!.includes('order-1'));
    expect(due.Target.Arn).toBe(deployment.intake!.queueArn);
    expect(deployment.sendDueSchedules()).toHaveLength(1);
    await mapping.drain();

    expect(fake.stepFunctions.redrivesOf(arn)).toBe(1);
    expect(logs).toContainEqual(expect.objectContaining({ Redriven: 1, service: stack.autoRedrive.autoRedriveName }));
    const published = fake.eventBridge.published.filter((outcomeEvent) => outcomeEvent.Detail.executionArn === arn);
    expect(published.map((outcomeEvent) => outcomeEvent.DetailType)).toEqual(['Redrive Scheduled', 'Execution Redriven']);
    expect(published[1]).toMatchObject({
      Source: 'cdk-stepfunctions-redrive',
      EventBusName: 'default',
      Detail: { autoRedrive: stack.autoRedrive.autoRedriveName, outcome: 'REDRIVEN', redriveCount: 0, executionArn: arn, trigger: 'schedule' },
    });
  });

  test('one batch mixing a denied error, a malformed message, a state machine no longer watched, a failing schedule, and a good event delivered twice: each ends on its own', async () => {
    const denied = executionArn('orders', 'order-2');
    const unwatched = executionArn('inventory', 'run-9');
    const good = executionArn('orders', 'order-4');
    const failing = executionArn('orders', 'order-5');
    for (const arn of [denied, unwatched, good]) fake.stepFunctions.addExecution(arn);
    const now = fake.clock.now();
    fake.stepFunctions.addExecution(failing);
    const intakeUrl = deployment.intake!.queueUrl;
    const ids = {
      denied: fake.sqs.putMessage(intakeUrl, failureEvent({ executionArn: denied, error: 'OrderRejected', stopDate: now })),
      malformed: fake.sqs.putMessage(intakeUrl, { id: 'evt-bad', source: 'aws.states', detail: 'nope' }),
      // A due redrive of a state machine the deployed role does not cover (a deploy stopped watching it).
      unwatched: fake.sqs.putMessage(intakeUrl, {
        'source': 'cdk-stepfunctions-redrive',
        'detail-type': 'Scheduled Redrive',
        'detail': { executionArn: unwatched, redriveCount: 0, eventId: 'e-9', reason: 'BACKOFF', scheduledFor: new Date(now).toISOString() },
      }),
      // Its redrive is to be scheduled, and Scheduler answers 503 to every attempt.
      failing: fake.sqs.putMessage(intakeUrl, failureEvent({ executionArn: failing, error: 'Lambda.ServiceException', stopDate: now })),
      good: fake.sqs.putMessage(intakeUrl, failureEvent({ executionArn: good, error: 'Lambda.ServiceException', stopDate: now })),
    };
    fake.faults.inject('CreateSchedule', { kind: 'error', code: 'ServiceUnavailable', status: 503 }, 4, (input) => input.Target.Input.includes(failing));
    let response: any;
    // SQS hands the good message out twice in the same batch, as at-least-once delivery allows.
    const mapping = new EventSourceMapping(fake, deployment.intake!, async (batch) => {
      const copies = batch.Records.filter((record) => record.messageId === ids.good);
      const run = await runBundle(bundleDir, deployment.environment, { Records: [...batch.Records, ...copies] }, deployment.handlerArn);
      logs.push(...run.logs);
      if (run.error) throw Object.assign(new Error(run.error.message), { name: run.error.name });
      response = run.result;
      return run.result;
    });
    await mapping.pollOnce();

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: ids.failing }] });
    expect(mapping).toMatchObject({ invocations: 1, deleted: 4, returned: 1 });
    expect(intakeMessages().map((message) => message.messageId)).toEqual([ids.failing]);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'redrive skipped', reason: 'ERROR_NOT_ALLOWED', executionArn: denied }));
    expect(logs).toContainEqual(expect.objectContaining({ message: 'redrive skipped', reason: 'NO_LONGER_WATCHED', executionArn: unwatched }));
    expect(logs.filter((line) => line.message === 'redrive scheduled' && line.executionArn === good)).toHaveLength(1);
    expect(fake.callsOf('CreateSchedule').filter((call) => call.Target.Input.includes('order-4'))).toHaveLength(1);
    expect(logs).toContainEqual(expect.objectContaining({ outcome: 'FAILED', executionArn: failing, messageId: ids.failing }));
    expect(fake.iam.decisions).toContainEqual({ action: 'states:DescribeExecution', resource: unwatched, allowed: false });
    expect(fake.sqs.bodies(deployment.deadLetterQueueUrl)).toContainEqual(
      expect.objectContaining({ reason: 'BAD_EVENT', error: aMessageNaming('evt-bad') }));
    expect(fake.stepFunctions.redrivesOf(unwatched)).toBe(0);

    // Scheduler answers on the message's next receive.
    fake.clock.advance(deployment.intake!.visibilityTimeoutSeconds * 1000);
    await mapping.drain();
    expect(intakeMessages()).toHaveLength(0);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'redrive scheduled', executionArn: failing, receiveCount: 2 }));
  });

  test('when the scheduler keeps throttling, the message alone returns to the queue and is received again after its visibility timeout', async () => {
    const arn = executionArn('orders', 'order-3');
    fake.stepFunctions.addExecution(arn);
    fake.faults.inject('CreateSchedule', { kind: 'error', code: 'ThrottlingException' }, 2);
    deployment.publish(failureEvent({ executionArn: arn, stopDate: fake.clock.now() }));
    const mapping = mappingWith({ ...deployment.environment, AWS_MAX_ATTEMPTS: '2' });

    await mapping.drain();
    expect(mapping).toMatchObject({ invocations: 1, failedInvocations: 0, returned: 1 });
    expect(fake.callsOf('CreateSchedule').filter((call) => call.Target.Input.includes('order-3'))).toHaveLength(2);
    expect(logs).toContainEqual(expect.objectContaining({ outcome: 'FAILED', failure: 'ThrottlingException', executionArn: arn }));
    expect(intakeMessages()).toHaveLength(1);

    fake.clock.advance(deployment.intake!.visibilityTimeoutSeconds * 1000);
    await mapping.drain();
    expect(intakeMessages()).toHaveLength(0);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'redrive scheduled', executionArn: arn, receiveCount: 2 }));
  });
});
