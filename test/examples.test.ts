import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { OrderPipelineStack } from '../examples/order-pipeline-stack';
import { resolveIntrinsics } from './support/cfn-intrinsics';
import { ACCOUNT, executionArn, failureEvent, REGION } from './support/events';
import { FakeAws } from './support/fake-aws/server';
import { runBundle } from './support/run-bundle';

/**
 * Synthesizes the example app as `cdk synth` would, then runs the handler bundle from the cloud
 * assembly, with the environment its template gives it once deployed, against the local endpoint.
 */
describe('examples/ OrderPipelineStack', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'auto-redrive-example-'));
  const app = new App({ outdir });
  const stack = new OrderPipelineStack(app, 'OrderPipeline');
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const resources: Record<string, any> = artifact.template.Resources;
  const [handlerId, handlerResource] = Object.entries(resources)
    .find(([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.startsWith('AutoRedriveHandler'))!;
  const bundleDir = assetDirectory(assembly.directory, artifact.id, handlerResource.Properties.Code.S3Key);
  const [machineId] = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::StepFunctions::StateMachine');
  const [queueId] = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::SQS::Queue');

  let fake: FakeAws;
  let environment: Record<string, string>;
  beforeAll(async () => {
    fake = await FakeAws.start();
    const queueUrl = fake.createQueue('OrderPipeline-AutoRedriveDeadLetterQueue');
    environment = {
      ...resolveIntrinsics(handlerResource.Properties.Environment.Variables, {
        refs: { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, [queueId]: queueUrl },
        attributes: { [`${machineId}.Name`]: 'orders' },
      }),
      ...fake.environment,
    };
  });
  afterAll(async () => {
    await fake.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('synthesizes a template with the construct and a bundled handler in the cloud assembly', () => {
    expect(handlerId).toBeDefined();
    expect(handlerResource.Properties.Runtime).toBe('nodejs22.x');
    expect(fs.statSync(path.join(bundleDir, 'index.js')).size).toBeGreaterThan(10_000);
  });

  test('the deployed handler redrives a failed order execution once, even when the event comes twice', async () => {
    const arn = executionArn('orders', 'order-1');
    fake.stepFunctions.addExecution(arn);
    const event = failureEvent({ executionArn: arn, error: 'Lambda.ServiceException', stopDate: fake.clock.now() });

    const first = await runBundle(bundleDir, environment, event);
    const second = await runBundle(bundleDir, environment, event);

    expect(first.result).toMatchObject({ outcome: 'REDRIVEN' });
    expect(second.result).toEqual(first.result);
    expect(fake.stepFunctions.redrivesOf(arn)).toBe(1);
    expect(first.logs).toContainEqual(expect.objectContaining({
      level: 'INFO', message: 'execution redriven', service: 'auto-redrive', executionArn: arn, redriveCount: 0,
    }));
  });

  test('the deployed handler skips an error the example denies, with the reason logged', async () => {
    const arn = executionArn('orders', 'order-2');
    fake.stepFunctions.addExecution(arn);

    const run = await runBundle(bundleDir, environment, failureEvent({ executionArn: arn, error: 'OrderRejected', stopDate: fake.clock.now() }));

    expect(run.result).toMatchObject({ outcome: 'SKIPPED', reason: 'ERROR_NOT_ALLOWED' });
    expect(run.logs).toContainEqual(expect.objectContaining({ message: 'redrive skipped', reason: 'ERROR_NOT_ALLOWED' }));
    expect(fake.stepFunctions.redrivesOf(arn)).toBe(0);
  });

  test('the deployed handler puts a malformed event in the dead-letter queue', async () => {
    const run = await runBundle(bundleDir, environment, { id: 'evt-bad', source: 'aws.states', detail: 'nope' });

    expect(run.result).toMatchObject({ outcome: 'DEAD_LETTERED', reason: 'BAD_EVENT' });
    expect(fake.sqs.bodies(environment.AUTO_REDRIVE_DEAD_LETTER_QUEUE_URL)).toContainEqual(
      expect.objectContaining({ reason: 'BAD_EVENT', error: expect.stringContaining('bad event evt-bad') }));
  });

  test('the deployed handler fails the invocation when Step Functions keeps throttling', async () => {
    const arn = executionArn('orders', 'order-3');
    fake.stepFunctions.addExecution(arn);
    fake.faults.inject('RedriveExecution', { kind: 'error', code: 'ThrottlingException' }, 4);

    const run = await runBundle(bundleDir, { ...environment, AWS_MAX_ATTEMPTS: '2' }, failureEvent({ executionArn: arn, stopDate: fake.clock.now() }));

    expect(run.error).toMatchObject({ name: 'ThrottlingException' });
    expect(fake.callsOf('RedriveExecution').filter((call) => call.executionArn === arn)).toHaveLength(2);
  });
});

/** Where the cloud assembly keeps the file asset that the template deploys under `objectKey`. */
function assetDirectory(assemblyDir: string, stackArtifactId: string, objectKey: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, `${stackArtifactId}.assets.json`), 'utf8'));
  const asset: any = Object.values(manifest.files)
    .find((file: any) => Object.values(file.destinations).some((destination: any) => destination.objectKey === objectKey));
  if (!asset) throw new Error(`no file asset is deployed as ${objectKey}`);
  return path.join(assemblyDir, asset.source.path);
}
