import { AwsError } from './aws-error';
import { ManualClock } from './clock';

export interface FakeSchedule {
  readonly Name: string;
  readonly GroupName: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone?: string;
  readonly ActionAfterCompletion?: string;
  readonly FlexibleTimeWindow: { Mode: string };
  readonly Target: { Arn: string; RoleArn: string; Input?: string; RetryPolicy?: object; DeadLetterConfig?: { Arn: string } };
  /** When the `at()` expression fires, epoch milliseconds. */
  readonly fireAt: number;
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;

/** EventBridge Scheduler one-time schedules, over its REST JSON protocol. */
export class FakeScheduler {
  readonly groups = new Set<string>();
  readonly schedules = new Map<string, FakeSchedule>();

  constructor(private readonly clock: ManualClock) {}

  createGroup(name: string): void {
    this.groups.add(name);
  }

  /** The schedules due by now, removed as ActionAfterCompletion DELETE removes them, soonest first. */
  takeDue(): FakeSchedule[] {
    const due = [...this.schedules.values()].filter((s) => s.fireAt <= this.clock.now()).sort((a, b) => a.fireAt - b.fireAt);
    for (const schedule of due) {
      if (schedule.ActionAfterCompletion === 'DELETE') this.schedules.delete(`${schedule.GroupName}/${schedule.Name}`);
    }
    return due;
  }

  handle(method: string, name: string, input: any): object {
    if (method !== 'POST') throw new AwsError('ValidationException', `the fake does not implement ${method} /schedules`, 400, 'com.amazonaws.scheduler');
    if (!NAME.test(name)) throw new AwsError('ValidationException', `invalid schedule name ${name}`, 400, 'com.amazonaws.scheduler');
    const group = input.GroupName ?? 'default';
    if (!this.groups.has(group)) throw new AwsError('ResourceNotFoundException', `Schedule group ${group} does not exist.`, 404, 'com.amazonaws.scheduler');
    const at = AT.exec(input.ScheduleExpression ?? '');
    if (!at || input.ScheduleExpressionTimezone !== 'UTC') {
      throw new AwsError('ValidationException', 'the fake takes one-time at() schedules in UTC', 400, 'com.amazonaws.scheduler');
    }
    if (!input.Target?.Arn || !input.Target?.RoleArn || input.FlexibleTimeWindow?.Mode === undefined) {
      throw new AwsError('ValidationException', 'Target.Arn, Target.RoleArn and FlexibleTimeWindow are required', 400, 'com.amazonaws.scheduler');
    }
    const key = `${group}/${name}`;
    if (this.schedules.has(key)) throw new AwsError('ConflictException', `Schedule ${name} already exists.`, 409, 'com.amazonaws.scheduler');
    this.schedules.set(key, { ...input, Name: name, GroupName: group, fireAt: Date.parse(`${at[1]}Z`) });
    return { ScheduleArn: `arn:aws:scheduler:us-east-1:123456789012:schedule/${group}/${name}` };
  }
}
