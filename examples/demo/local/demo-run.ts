import { Story, clockTime } from './story';
import { RunEnd, WorkflowStandIn } from './workflow-stand-in';
import { Invocation } from '../../../test/support/containers';
import { FakeDeployment } from '../../../test/support/deploy-to-fake';
import { FakeAws } from '../../../test/support/fake-aws/server';

/** Real milliseconds a run may take before it gives up. */
const REAL_TIME_LIMIT_MS = 60_000;

export type Invoke = (event: unknown) => Promise<Invocation>;

/** One execution of the demo, from its start until nothing is left to do: no event to deliver, no schedule to fire. */
export class DemoRun {
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
