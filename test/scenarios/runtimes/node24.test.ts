import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { OrderPipelineStack } from '../../../examples/order-pipeline-stack';
import { synthesizedHandlerOf } from '../../../tools/cloud-assembly';
import { Containers } from '../../../tools/containers';
import { deployToFake } from '../../../tools/deploy-to-fake';
import { EventSourceMapping } from '../../../tools/event-source-mapping';
import { executionArn, failureEvent } from '../../../tools/events';
import { FakeAws } from '../../../tools/fake-aws/server';
import { addExecution, CLI_BUNDLE, fakePerTest, runCli } from '../../support/cli-harness';

/** Node.js 24, the newest Lambda runtime, installed from test/toolchains/node24's lockfile by the test task. */
const NODE24 = path.join(__dirname, '..', '..', 'toolchains', 'node24', 'node_modules', 'node', 'bin', 'node');
const PACKAGE_VERSION: string = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version;
const MINUTE = 60_000;

/** The Node.js 24 binary; a missing one fails the test (never skips it). */
function node24(): string {
  if (!fs.existsSync(NODE24)) {
    throw new Error(`Node.js 24 is not installed at ${path.relative(process.cwd(), NODE24)}: run \`npx projen install:node24\` (the test task runs it first)`);
  }
  return NODE24;
}

/**
 * What the processes a test starts with `env` say they ran: each loads report-runtime.js first
 * (NODE_OPTIONS) and appends its Node.js version and script to a file.
 */
function runtimeReport(): { env: Record<string, string>; read: () => { version: string; script: string }[] } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-report-')), 'report.jsonl');
  return {
    env: { NODE_OPTIONS: `--require "${path.join(__dirname, 'report-runtime.js')}"`, RUNTIME_REPORT: file },
    read: () => fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : [],
  };
}

/**
 * The handler bundle and the CLI bundle, run on Node.js 24 (the newest Lambda runtime) while the
 * tests themselves run on the test command's Node.js: the same bundles the package ships, each in
 * a Node.js 24 child process against the local stand-in for AWS.
 */
describe('on Node.js 24', () => {
  beforeAll(() => {
    node24();
  });

  describe('the CLI bundle', () => {
    const currentFake = fakePerTest();

    test('redrives a failed execution, and prints its version', async () => {
      const fake = currentFake();
      const arn = executionArn('orders', 'order-1');
      addExecution(fake, 'orders', 'order-1', { error: 'Lambda.ServiceException' });
      const report = runtimeReport();

      const redrive = await runCli(fake, ['redrive', '--state-machine', 'orders', '--yes'], { node: node24(), env: report.env });
      const version = await runCli(fake, ['--version'], { node: node24(), env: report.env });

      expect(redrive.code).toBe(0);
      // Progress goes to stderr; no runtime or SDK warning does (a deprecation, a Node.js version the SDK no longer supports).
      expect(redrive.stderr).not.toMatch(/warn|deprecat|error/i);
      expect(redrive.stdout).toContain('redriven=1 skipped=0 failed=0\n');
      expect(fake.stepFunctions.redrives.map((r) => r.executionArn)).toEqual([arn]);
      expect(version).toEqual({ code: 0, signal: null, stdout: `${PACKAGE_VERSION}\n`, stderr: '' });
      expect(report.read()).toEqual([
        { version: expect.stringMatching(/^v24\./), script: CLI_BUNDLE },
        { version: expect.stringMatching(/^v24\./), script: CLI_BUNDLE },
      ]);
    });
  });

  describe('the handler bundle, in a Lambda-like container fed from its intake queue', () => {
    let outdir: string;
    let fake: FakeAws;

    beforeAll(async () => {
      outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'node24-handler-'));
      fake = await FakeAws.start();
    });
    afterAll(async () => {
      await fake.close();
      fs.rmSync(outdir, { recursive: true, force: true });
    });

    test('a failure event is scheduled, and its due schedule comes back through the queue and ends in a RedriveExecution', async () => {
      // The example app, synthesized as `cdk synth` would: its handler's bundle from the cloud assembly, "deployed" to the fake.
      const app = new App({ outdir });
      const stack = new OrderPipelineStack(app, 'OrderPipeline');
      const assembly = app.synth();
      const artifact = assembly.getStackByName(stack.stackName);
      const handler = synthesizedHandlerOf(assembly, artifact);
      const resources: Record<string, any> = artifact.template.Resources;
      const [machineId] = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::StepFunctions::StateMachine');
      const deployment = deployToFake(artifact.template, fake, { [machineId]: 'orders' });
      const report = runtimeReport();
      const container = await Containers.start(path.join(handler.bundleDir, 'index.js'), 1, { ...deployment.environment, ...report.env }, {
        execPath: node24(), functionArn: deployment.handlerArn, timeoutMs: handler.resource.Properties.Timeout * 1000, captureLogs: true,
      });
      const logs: any[] = [];
      const mapping = new EventSourceMapping(fake, deployment.intake!, async (batch) => {
        const invocation = await container.invoke(batch);
        logs.push(...invocation.logs ?? []);
        if (!invocation.ok) throw Object.assign(new Error(invocation.errorMessage), { name: invocation.error });
        return invocation.result;
      });
      const arn = executionArn('orders', 'order-1');
      fake.stepFunctions.addExecution(arn);

      try {
        expect(deployment.publish(failureEvent({ executionArn: arn, error: 'Lambda.ServiceException', stopDate: fake.clock.now() }))).toBe(1);
        await mapping.drain();
        expect(logs).toContainEqual(expect.objectContaining({ message: 'redrive scheduled', executionArn: arn }));
        expect(fake.stepFunctions.redrivesOf(arn)).toBe(0);

        fake.clock.advance(10 * MINUTE);
        expect(deployment.sendDueSchedules()).toHaveLength(1);
        await mapping.drain();
      } finally {
        container.stop();
      }

      expect(mapping).toMatchObject({ invocations: 2, failedInvocations: 0, returned: 0, deleted: 2 });
      expect(fake.callsOf('RedriveExecution')).toEqual([expect.objectContaining({ executionArn: arn })]);
      expect(fake.stepFunctions.redrivesOf(arn)).toBe(1);
      expect(logs).toContainEqual(expect.objectContaining({ Redriven: 1, service: stack.autoRedrive.autoRedriveName }));
      // One container, started once: Node.js 24 ran invoke-worker.js, which loaded the bundle.
      expect(report.read()).toEqual([{ version: expect.stringMatching(/^v24\./), script: expect.stringMatching(/invoke-worker\.js$/) }]);
    });
  });
});
