import { AwsError } from './aws-error';
import { ManualClock } from './clock';

/** Step Functions' documented redrive rules, enough of them to test the handler against. */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface FakeExecution {
  readonly executionArn: string;
  status: ExecutionStatus;
  redriveCount: number;
  startDate: number;
  stopDate?: number;
  redriveDate?: number;
  type: 'STANDARD' | 'EXPRESS';
  /** The error and cause of the last stop, as DescribeExecution gives them. */
  error?: string;
  cause?: string;
  /** Successful redrive tokens, newest last: AWS remembers the last 10 for 15 minutes. */
  tokens: { token: string; at: number; redriveDate: number }[];
}

const REDRIVE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
const TOKEN_MEMORY = 10;
const TOKEN_TTL_MS = 15 * 60 * 1000;
const CLIENT_TOKEN = /^[!-~]{1,64}$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
const REDRIVABLE_STATUSES: ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

export class FakeStepFunctions {
  readonly executions = new Map<string, FakeExecution>();
  /** Every redrive that really happened, in order: the count before and after, and the token it came with. */
  readonly redrives: { executionArn: string; redriveCount: number; at: number; clientToken?: string }[] = [];

  constructor(private readonly clock: ManualClock) {}

  /** Adds an execution that has stopped with `status` (FAILED unless told). */
  addExecution(
    executionArn: string,
    options: Partial<Pick<FakeExecution, 'status' | 'redriveCount' | 'stopDate' | 'type' | 'error' | 'cause'>> = {},
  ): FakeExecution {
    const now = this.clock.now();
    const execution: FakeExecution = {
      executionArn,
      status: options.status ?? 'FAILED',
      redriveCount: options.redriveCount ?? 0,
      startDate: now - 60_000,
      stopDate: options.stopDate ?? now,
      // An execution redriven before has the date of its last redrive.
      redriveDate: (options.redriveCount ?? 0) > 0 ? now - 60_000 : undefined,
      type: options.type ?? 'STANDARD',
      tokens: [],
      // As the sample event's failure: a Lambda task that met a service error.
      error: 'error' in options ? options.error : (options.status ?? 'FAILED') === 'FAILED' ? 'Lambda.ServiceException' : undefined,
      cause: options.cause,
    };
    this.executions.set(executionArn, execution);
    return execution;
  }

  /** The redriven run stops again: failed unless told. */
  stopAgain(executionArn: string, status: ExecutionStatus = 'FAILED'): FakeExecution {
    const execution = this.get(executionArn);
    execution.status = status;
    execution.stopDate = this.clock.now();
    return execution;
  }

  redrivesOf(executionArn: string): number {
    return this.redrives.filter((r) => r.executionArn === executionArn).length;
  }

  handle(operation: string, input: any): object {
    switch (operation) {
      case 'RedriveExecution':
        return this.redriveExecution(input);
      case 'DescribeExecution':
        return this.describeExecution(input);
      default:
        throw new AwsError('UnknownOperationException', `the fake does not implement ${operation}`);
    }
  }

  private redriveExecution(input: { executionArn?: unknown; clientToken?: unknown }): object {
    const arn = this.checkArn(input.executionArn);
    if (input.clientToken !== undefined && (typeof input.clientToken !== 'string' || !CLIENT_TOKEN.test(input.clientToken))) {
      throw new AwsError('ValidationException', 'clientToken must be 1 to 64 characters of [!-~]');
    }
    const execution = this.get(arn);
    const now = this.clock.now();
    const remembered = execution.tokens.find((t) => t.token === input.clientToken && now - t.at <= TOKEN_TTL_MS);
    if (remembered) return { redriveDate: remembered.redriveDate / 1000 };

    if (execution.type === 'EXPRESS') {
      throw new AwsError('ExecutionNotRedrivable', 'Express executions cannot be redriven');
    }
    if (!REDRIVABLE_STATUSES.includes(execution.status)) {
      throw new AwsError('ExecutionNotRedrivable', `Execution is ${execution.status}`);
    }
    if (execution.stopDate !== undefined && now - execution.stopDate > REDRIVE_WINDOW_MS) {
      throw new AwsError('ExecutionNotRedrivable', 'Execution stopped more than 14 days ago');
    }
    execution.status = 'RUNNING';
    execution.redriveCount += 1;
    execution.redriveDate = now;
    execution.stopDate = undefined;
    if (typeof input.clientToken === 'string') {
      execution.tokens.push({ token: input.clientToken, at: now, redriveDate: now });
      if (execution.tokens.length > TOKEN_MEMORY) execution.tokens.shift();
    }
    this.redrives.push({ executionArn: arn, redriveCount: execution.redriveCount, at: now, clientToken: input.clientToken as string | undefined });
    return { redriveDate: now / 1000 };
  }

  private describeExecution(input: { executionArn?: unknown }): object {
    const execution = this.get(this.checkArn(input.executionArn));
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
      status: execution.status,
      startDate: execution.startDate / 1000,
      stopDate: execution.stopDate === undefined ? undefined : execution.stopDate / 1000,
      redriveCount: execution.redriveCount,
      redriveDate: execution.redriveDate === undefined ? undefined : execution.redriveDate / 1000,
      redriveStatus: this.redriveStatusOf(execution),
      error: execution.error,
      cause: execution.cause,
    };
  }

  private redriveStatusOf(execution: FakeExecution): string {
    if (!REDRIVABLE_STATUSES.includes(execution.status)) return 'NOT_REDRIVABLE';
    return execution.stopDate !== undefined && this.clock.now() - execution.stopDate > REDRIVE_WINDOW_MS ? 'NOT_REDRIVABLE' : 'REDRIVABLE';
  }

  private checkArn(arn: unknown): string {
    if (typeof arn !== 'string' || !EXECUTION_ARN.test(arn)) throw new AwsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    const [, , , , , , stateMachinePart, executionName] = arn.split(':');
    const [stateMachineName, ...labels] = stateMachinePart.split('/');
    const names = [stateMachineName, ...labels, executionName];
    if (labels.length > 1 || names.some((name) => !isValidName(name))) {
      throw new AwsError('InvalidArn', `Invalid Arn: 'Resource name not valid: ${arn}'`);
    }
    if (labels.length > 0) {
      throw new AwsError('ValidationException', 'API_DOES_NOT_SUPPORT_LABELED_ARNS: redrive the parent execution');
    }
    return arn;
  }

  private get(arn: string): FakeExecution {
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_NAMES = /[\s?*<>{}[\]"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/**
 * Step Functions' naming rule for state machines, executions and Map Run labels: 1 to 80
 * characters; no white space, `? *`, `< > { } [ ]`, `" # % \ ^ | ~ ` $ & , ; : /`, or control
 * characters (U+0000-001F, U+007F-009F).
 */
export function isValidName(name: string): boolean {
  const length = [...name].length;
  return length >= 1 && length <= 80 && !FORBIDDEN_IN_NAMES.test(name);
}
