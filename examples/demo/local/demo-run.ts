import { Story, clockTime } from './story';
import { RunEnd, WorkflowStandIn } from './workflow-stand-in';
import { Invocation } from '../../../tools/containers';
import { FakeDeployment } from '../../../tools/deploy-to-fake';
import { EventSourceMapping } from '../../../tools/event-source-mapping';
import { FakeAws } from '../../../tools/fake-aws/server';

/** Real milliseconds a run may take before it gives up. */
const REAL_TIME_LIMIT_MS = 60_000;

export type Invoke = (batch: unknown) => Promise<Invocation>;

/**
 * One execution of the demo, from its start until nothing is left to do: no event to deliver, no
 * message in the intake queue, no schedule to fire. Events and due schedules go to the intake queue;
 * its event source mapping hands them to the handler in batches, and the story tells what the
 * handler logged of each.
 */
export class DemoRun {
  private redrivesSeen = 0;
  private readonly intake: EventSourceMapping;

  constructor(
    private readonly fake: FakeAws,
    private readonly deployment: FakeDeployment,
    private readonly workflow: WorkflowStandIn,
    private readonly story: Story,
    invoke: Invoke,
  ) {
    if (!deployment.intake) throw new Error('the demo stack has no intake queue');
    this.intake = new EventSourceMapping(fake, deployment.intake, async (batch) => {
      const count = (batch as { Records: unknown[] }).Records.length;
      this.story.step('SQS intake', `the event source mapping hands ${count} message${count === 1 ? '' : 's'} to the AutoRedrive handler`);
      const { result, error, errorMessage, logs } = await invoke(batch);
      if (error) throw new Error(`the AutoRedrive handler failed: ${error}: ${errorMessage}`);
      for (const line of logs ?? []) this.tellDecision(line);
      return result;
    });
  }

  async untilSettled(name: string): Promise<RunEnd> {
    const deadline = Date.now() + REAL_TIME_LIMIT_MS;
    this.story.step('Step Functions', `execution ${name} of ${this.workflow.stateMachineName} started`);
    let end = this.tell(await this.workflow.start(name));
    let events = [end.statusChange];
    const intakeUrl = this.deployment.intake!.queueUrl;
    while (events.length > 0 || this.fake.scheduler.schedules.size > 0 || this.fake.sqs.messagesOf(intakeUrl).length > 0) {
      if (Date.now() > deadline) throw new Error(`the demo did not settle within ${REAL_TIME_LIMIT_MS / 1000} s`);
      for (const event of events.splice(0)) this.deliver(event);
      for (const schedule of this.deployment.sendDueSchedules()) {
        this.story.step('Scheduler', `schedule ${schedule.Name} fired: it sends the redrive to the AutoRedrive intake queue`);
      }
      await this.intake.drain();
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

  /** Sends a status change event to the default bus: a deployed rule that matches it sends it to the intake queue. */
  private deliver(event: any): void {
    const rules = this.fake.eventBridge.matchingRules(event);
    const what = `event "${event['detail-type']}" (${event.detail.status}, ${event.detail.redriveStatus})`;
    if (rules.length === 0) {
      this.story.step('EventBridge', `${what} matches no AutoRedrive rule: nothing to do`);
      return;
    }
    for (const rule of rules) this.story.step('EventBridge', `${what} matches rule ${rule.Name}: it sends the event to the AutoRedrive intake queue`);
    this.deployment.publish(event);
  }

  /** A decision the handler logged: its outcome line. */
  private tellDecision(line: any): void {
    if (!['REDRIVEN', 'SCHEDULED', 'SKIPPED', 'FAILED'].includes(line.outcome) || line.failure !== undefined) return;
    this.story.step('AutoRedrive', `decision ${line.outcome}: ${reasonOf(line)}`);
    if (line.outcome === 'SCHEDULED') {
      const schedule = [...this.fake.scheduler.schedules.values()].find((candidate) => candidate.Name === line.scheduleName);
      if (!schedule) throw new Error(`the handler reported schedule ${line.scheduleName}, which Scheduler does not have`);
      this.story.step('Scheduler', `schedule ${schedule.Name} created (${schedule.ScheduleExpression} UTC, group ${schedule.GroupName}): due at ${clockTime(schedule.fireAt)}`);
    }
    if (line.outcome === 'FAILED') {
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
