import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { DemoRun } from './demo-run';
import { Story } from './story';
import { WorkflowStandIn } from './workflow-stand-in';
import { synthesizedHandlerOf } from '../../../tools/cloud-assembly';
import { Containers } from '../../../tools/containers';
import { deployToFake } from '../../../tools/deploy-to-fake';
import { ScaledClock } from '../../../tools/fake-aws/clock';
import { FakeAws } from '../../../tools/fake-aws/server';
import { RedriveDemoStack } from '../redrive-demo-stack';

/**
 * Virtual seconds per real second: the demo's one-minute backoff passes in six seconds. The handler
 * lives on this clock too, so its SDK timeouts (2 s to connect, 5 s per request) shrink by as much:
 * a faster clock makes them fail on a busy machine.
 */
const TIME_FACTOR = 10;
const EXECUTION_NAME = 'demo-1';

/**
 * The demo, run locally: the demo app synthesized as `cdk synth` would, its AutoRedrive handler run
 * from the bundle in cdk.out with the environment the template gives it, against a local stand-in
 * for AWS (Step Functions, EventBridge, EventBridge Scheduler, SQS, IAM), whose clock runs
 * TIME_FACTOR times faster than real time. The demo state machine runs in a local stand-in too.
 */
async function main(): Promise<void> {
  const outdir = path.join(__dirname, '..', 'cdk.out');
  const app = new App({ outdir });
  const stack = new RedriveDemoStack(app, 'RedriveDemo');
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const handler = synthesizedHandlerOf(assembly, artifact);

  const clock = new ScaledClock(TIME_FACTOR);
  const fake = await FakeAws.start(clock);
  const story = new Story(() => clock.now());
  try {
    const machineId = stack.getLogicalId(stack.stateMachine.node.defaultChild as any);
    const deployment = deployToFake(artifact.template, fake, { [machineId]: `${stack.stackName}-Workflow` });
    const workflow = new WorkflowStandIn(fake, artifact.template, machineId, `${stack.stackName}-Workflow`);
    story.say(`Synthesized ${artifact.stackName} to ${path.relative(process.cwd(), path.join(assembly.directory, artifact.templateFile))}.`);
    story.say(`LOCAL STAND-IN FOR AWS, not AWS: Step Functions, EventBridge, Scheduler, SQS and IAM on ${fake.url}; no account, no cost.`);
    story.say(`AutoRedrive's handler runs from ${path.relative(process.cwd(), handler.bundleDir)} with its template's environment and role, ` +
      `fed from its SQS intake queue in batches of up to ${deployment.intake!.batchSize}, at most ${deployment.intake!.maxConcurrency} at once.`);
    story.say(`Local time runs ${TIME_FACTOR}x faster than real time.`);

    // A warm container: its cold start is not part of the story.
    const container = await Containers.start(path.join(handler.bundleDir, 'index.js'), 1, deployment.environment, {
      clock, functionArn: deployment.handlerArn, timeoutMs: handler.resource.Properties.Timeout * 1000, captureLogs: true,
    });
    const run = new DemoRun(fake, deployment, workflow, story, (event) => container.invoke(event));
    const end = await run.untilSettled(EXECUTION_NAME).finally(() => container.stop());
    const { status, redriveCount } = end.execution;
    if (status !== 'SUCCEEDED' || redriveCount !== 1) {
      throw new Error(`the demo execution ended ${status} with redriveCount ${redriveCount}, not SUCCEEDED with redriveCount 1`);
    }
    story.say(`Done: ${EXECUTION_NAME} failed once and AutoRedrive redrove it. npx projen integ:deploy runs the same demo in your AWS account.`);
  } finally {
    await fake.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
