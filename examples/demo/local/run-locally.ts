import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Story, clockTime } from './story';
import { RunEnd, WorkflowStandIn } from './workflow-stand-in';
import { synthesizedHandlerOf } from '../../../test/support/cloud-assembly';
import { Containers, Invocation } from '../../../test/support/containers';
import { deployToFake, FakeDeployment } from '../../../test/support/deploy-to-fake';
import { ScaledClock } from '../../../test/support/fake-aws/clock';
import { FakeAws } from '../../../test/support/fake-aws/server';
import { RedriveDemoStack } from '../redrive-demo-stack';

/**
 * Virtual seconds per real second: the demo's one-minute backoff passes in six seconds. The handler
 * lives on this clock too, so its SDK timeouts (2 s to connect, 5 s per request) shrink by as much:
 * a faster clock makes them fail on a busy machine.
 */
const TIME_FACTOR = 10;
/** Real milliseconds the demo may take before it gives up. */
const REAL_TIME_LIMIT_MS = 60_000;
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
    story.say(`AutoRedrive's handler runs from ${path.relative(process.cwd(), handler.bundleDir)} with its template's environment and role.`);
    story.say(`Local time runs ${TIME_FACTOR}x faster than real time.`);

    // A warm container: its cold start is not part of the story.
    const container = await Containers.start(path.join(handler.bundleDir, 'index.js'), 1, deployment.environment, {
      clock, functionArn: deployment.handlerArn, timeoutMs: handler.resource.Properties.Timeout * 1000,
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

type Invoke = (event: unknown) => Promise<Invocation>;

/** One execution of the demo, from its start until nothing is left to do: no event to deliver, no schedule to fire. */
class DemoRun {
  private redrivesSeen = 0;

  constructor(
    private readonly fake: FakeAws,
    private readonly deployment: FakeDeployment,
    private readonly workflow: WorkflowStandIn,
    private readonly story: Story,
    private readonly invoke: Invoke,
  ) {}

  async untilSettled(name: string): Promise<RunEnd> {
    const deadline = Date.now() + REAL_TIME_LIMIT_MS;
    this.story.step('Step Functions', `execution ${name} of ${this.workflow.stateMachineName} started`);
    let end = this.tell(await this.workflow.start(name));
    let events = [end.statusChange];
    while (events.length > 0 || this.fake.scheduler.schedules.size > 0) {
      if (Date.now() > deadline) throw new Error(`the demo did not settle within ${REAL_TIME_LIMIT_MS / 1000} s`);
      for (const event of events.splice(0)) await this.deliver(event);
      for (const schedule of this.fake.scheduler.takeDue()) {
        this.story.step('Scheduler', `schedule ${schedule.Name} fired: it invokes the AutoRedrive handler`);
        await this.handle(JSON.parse(schedule.Target.Input ?? '{}'));
      }
      for (const redrive of this.fake.stepFunctions.redrives.slice(this.redrivesSeen)) {
        this.redrivesSeen++;
        this.story.step('Step Functions', `execution ${redrive.executionArn.split(':')[7]} redriven (redriveCount ${redrive.redriveCount}): it resumes where it failed`);
        end = this.tell(await this.workflow.resume(redrive.executionArn));
        events.push(end.statusChange);
      }
      if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return end;
  }

  private tell(end: RunEnd): RunEnd {
    const { execution } = end;
    const name = execution.executionArn.split(':')[7];
    if (execution.status === 'FAILED') {
      const { errorMessage } = JSON.parse(execution.cause ?? '{}');
      this.story.step('Step Functions', `execution ${name} FAILED in ${end.failedState}: ${execution.error}: ${errorMessage} (redriveCount ${execution.redriveCount})`);
    } else {
      this.story.step('Step Functions', `execution ${name} ${execution.status} (redriveCount ${execution.redriveCount})`);
    }
    return end;
  }

  /** Sends a status change event to the default bus: the handler is invoked when one of the deployed rules matches it. */
  private async deliver(event: any): Promise<void> {
    const rules = this.fake.eventBridge.matchingRules(event);
    const what = `event "${event['detail-type']}" (${event.detail.status}, ${event.detail.redriveStatus})`;
    if (rules.length === 0) {
      this.story.step('EventBridge', `${what} matches no AutoRedrive rule: nothing to do`);
      return;
    }
    for (const rule of rules) {
      this.story.step('EventBridge', `${what} matches rule ${rule.Name}: it invokes the AutoRedrive handler`);
      await this.handle(event);
    }
  }

  private async handle(event: unknown): Promise<void> {
    const { result, error, errorMessage } = await this.invoke(event);
    if (error) throw new Error(`the AutoRedrive handler failed: ${error}: ${errorMessage}`);
    this.story.step('AutoRedrive', `decision ${result.outcome}: ${reasonOf(result)}`);
    if (result.outcome === 'SCHEDULED' && !result.alreadyScheduled) {
      const schedule = [...this.fake.scheduler.schedules.values()].find((candidate) => candidate.Name === result.scheduleName);
      if (!schedule) throw new Error(`the handler reported schedule ${result.scheduleName}, which Scheduler does not have`);
      this.story.step('Scheduler', `schedule ${schedule.Name} created (${schedule.ScheduleExpression} UTC, group ${schedule.GroupName}): due at ${clockTime(schedule.fireAt)}`);
    }
    if (result.outcome === 'DEAD_LETTERED') {
      this.story.step('AutoRedrive', `dead-letter queue now holds ${this.fake.sqs.bodies(this.deployment.deadLetterQueueUrl).length} message(s)`);
    }
  }
}

const SCHEDULE_REASONS: Record<string, string> = {
  BACKOFF: 'the policy\'s backoff before a redrive',
  THROTTLED: 'a check or redrive put off after throttling',
};

/** Why the handler decided what it did, in its own terms. */
function reasonOf(result: any): string {
  switch (result.outcome) {
    case 'SCHEDULED':
      return `reason ${result.scheduleReason} (${SCHEDULE_REASONS[result.scheduleReason] ?? 'see the handler\'s log'}): redrive in ${result.delaySeconds} s, at ${clockTime(Date.parse(result.redriveAt))}`;
    case 'REDRIVEN':
      return `the delayed redrive came due and RedriveExecution succeeded at ${clockTime(Date.parse(result.redriveDate))}`;
    case 'SKIPPED':
      return `reason ${result.reason}: ${result.detail}`;
    default:
      return `reason ${result.reason}: ${result.error}`;
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
