import * as sample from './fixtures/execution-failed-event.json';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const STATE_MACHINE_ARN_PREFIX = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:`;

export function executionArn(stateMachine: string, name: string): string {
  return `arn:aws:states:${REGION}:${ACCOUNT}:execution:${stateMachine}:${name}`;
}

export interface FailureEventOptions {
  readonly id?: string;
  readonly executionArn?: string;
  readonly status?: string;
  readonly redriveCount?: number | null;
  readonly redriveStatus?: string | null;
  readonly stopDate?: number | null;
  readonly error?: string | null;
  readonly cause?: string | null;
}

/** A "Step Functions Execution Status Change" event shaped like the documented one. */
export function failureEvent(options: FailureEventOptions = {}): any {
  const event = JSON.parse(JSON.stringify(sample));
  const arn = options.executionArn ?? event.detail.executionArn;
  const [, , , , , , stateMachine, name] = arn.split(':');
  event.id = options.id ?? `${name}-${options.redriveCount ?? 0}`;
  event.resources = [arn];
  Object.assign(event.detail, {
    executionArn: arn,
    stateMachineArn: `${STATE_MACHINE_ARN_PREFIX}${stateMachine.split('/')[0]}`,
    name,
  });
  for (const key of ['status', 'redriveCount', 'redriveStatus', 'stopDate', 'error', 'cause'] as const) {
    if (key in options) event.detail[key] = options[key];
  }
  return event;
}
