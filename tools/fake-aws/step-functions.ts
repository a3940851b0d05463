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

/** A state machine ListStateMachines lists and ListExecutions lists the executions of. */
export interface FakeStateMachine {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly creationDate: number;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const LIST_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
const PAGE_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export class FakeStepFunctions {
  readonly executions = new Map<string, FakeExecution>();
  /** State machines by ARN: added by addStateMachine, and by addExecution for the execution's own. */
  readonly stateMachines = new Map<string, FakeStateMachine>();
  /** Every redrive that really happened, in order: the count before and after, and the token it came with. */
  readonly redrives: { executionArn: string; redriveCount: number; at: number; clientToken?: string }[] = [];

  constructor(private readonly clock: ManualClock) {}

  /** Adds a state machine of the fake's account and Region (a Standard one unless told); returns its ARN. */
  addStateMachine(name: string, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): string {
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    if (!this.stateMachines.has(stateMachineArn)) {
      this.stateMachines.set(stateMachineArn, { stateMachineArn, name, type, creationDate: this.clock.now() });
    }
    return stateMachineArn;
  }

  /**
   * Adds an execution that has stopped with `status` (FAILED unless told), started a minute before
   * it stopped unless told, and registers its state machine.
   */
  addExecution(
    executionArn: string,
    options: Partial<Pick<FakeExecution, 'status' | 'redriveCount' | 'startDate' | 'stopDate' | 'type' | 'error' | 'cause'>> = {},
  ): FakeExecution {
    const now = this.clock.now();
    const stateMachineArn = stateMachineArnOf(executionArn);
    if (stateMachineArn !== undefined && !this.stateMachines.has(stateMachineArn)) {
      const name = stateMachineArn.split(':')[6];
      this.stateMachines.set(stateMachineArn, { stateMachineArn, name, type: options.type ?? 'STANDARD', creationDate: now - 24 * 60 * 60 * 1000 });
    }
    const execution: FakeExecution = {
      executionArn,
      status: options.status ?? 'FAILED',
      redriveCount: options.redriveCount ?? 0,
      startDate: options.startDate ?? (options.stopDate ?? now) - 60_000,
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
      case 'ListExecutions':
        return this.listExecutions(input);
      case 'ListStateMachines':
        return this.listStateMachines(input);
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

  /**
   * ListExecutions as documented: the executions of one state machine (not its Map Run children),
   * newest first by startDate, optionally of one status and only those redriven at least once (REDRIVEN)
   * or never (NOT_REDRIVEN); pages of maxResults (1 to 1,000, 100 when 0
   * or absent) with a nextToken that stays valid for 24 hours. Standard state machines only.
   */
  private listExecutions(input: {
    stateMachineArn?: unknown; statusFilter?: unknown; redriveFilter?: unknown; maxResults?: unknown; nextToken?: unknown; mapRunArn?: unknown;
  }): object {
    if (input.mapRunArn !== undefined) throw new AwsError('ValidationException', 'the fake lists executions by stateMachineArn only');
    if (typeof input.stateMachineArn !== 'string' || !STATE_MACHINE_ARN.test(input.stateMachineArn)) {
      throw new AwsError('InvalidArn', `Invalid Arn: '${String(input.stateMachineArn)}'`);
    }
    const machine = this.stateMachines.get(input.stateMachineArn);
    if (!machine) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${input.stateMachineArn}'`);
    if (machine.type === 'EXPRESS') throw new AwsError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    if (input.statusFilter !== undefined && !LIST_STATUSES.includes(input.statusFilter as string)) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${String(input.statusFilter)}' at 'statusFilter' failed to satisfy constraint`);
    }
    if (input.redriveFilter !== undefined && !['REDRIVEN', 'NOT_REDRIVEN'].includes(input.redriveFilter as string)) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${String(input.redriveFilter)}' at 'redriveFilter' failed to satisfy constraint`);
    }
    const pageSize = this.pageSize(input.maxResults);
    const listing = `executions:${machine.stateMachineArn}:${String(input.statusFilter ?? '')}:${String(input.redriveFilter ?? '')}`;
    const key = (execution: FakeExecution) => [execution.startDate, execution.executionArn] as const;
    const newestFirst = (a: FakeExecution, b: FakeExecution) =>
      b.startDate - a.startDate || (b.executionArn < a.executionArn ? -1 : b.executionArn > a.executionArn ? 1 : 0);
    let executions = [...this.executions.values()]
      .filter((execution) => stateMachineArnOf(execution.executionArn) === machine.stateMachineArn)
      .filter((execution) => !execution.executionArn.split(':')[6].includes('/'))
      .filter((execution) => input.statusFilter === undefined || execution.status === input.statusFilter)
      .filter((execution) => input.redriveFilter === undefined || (execution.redriveCount > 0) === (input.redriveFilter === 'REDRIVEN'))
      .sort(newestFirst);
    if (input.nextToken !== undefined) {
      const after = this.readToken(input.nextToken, listing);
      executions = executions.filter((execution) => {
        const [startDate, arn] = key(execution);
        return startDate < after.startDate || (startDate === after.startDate && arn < after.arn);
      });
    }
    const page = executions.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      executions: page.map((execution) => ({
        executionArn: execution.executionArn,
        stateMachineArn: machine.stateMachineArn,
        name: execution.executionArn.split(':')[7],
        status: execution.status,
        startDate: execution.startDate / 1000,
        ...(execution.stopDate !== undefined ? { stopDate: execution.stopDate / 1000 } : {}),
        redriveCount: execution.redriveCount,
        ...(execution.redriveDate !== undefined ? { redriveDate: execution.redriveDate / 1000 } : {}),
      })),
      ...(executions.length > pageSize ? { nextToken: this.writeToken(listing, { startDate: last.startDate, arn: last.executionArn }) } : {}),
    };
  }

  /** ListStateMachines as documented: name, ARN, type and creation date, in pages like ListExecutions'. */
  private listStateMachines(input: { maxResults?: unknown; nextToken?: unknown }): object {
    const pageSize = this.pageSize(input.maxResults);
    let machines = [...this.stateMachines.values()].sort((a, b) => (a.stateMachineArn < b.stateMachineArn ? -1 : 1));
    if (input.nextToken !== undefined) {
      const after = this.readToken(input.nextToken, 'stateMachines');
      machines = machines.filter((machine) => machine.stateMachineArn > after.arn);
    }
    const page = machines.slice(0, pageSize);
    return {
      stateMachines: page.map((machine) => ({
        stateMachineArn: machine.stateMachineArn, name: machine.name, type: machine.type, creationDate: machine.creationDate / 1000,
      })),
      ...(machines.length > pageSize ? { nextToken: this.writeToken('stateMachines', { startDate: 0, arn: page[page.length - 1].stateMachineArn }) } : {}),
    };
  }

  private pageSize(maxResults: unknown): number {
    if (maxResults === undefined || maxResults === 0) return DEFAULT_PAGE_SIZE;
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_PAGE_SIZE) {
      throw new AwsError('ValidationException',
        `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
    }
    return maxResults;
  }

  /** An opaque page token: where the last page ended, for which listing, and when it was issued. */
  private writeToken(listing: string, after: { startDate: number; arn: string }): string {
    return Buffer.from(JSON.stringify({ listing, ...after, issued: this.clock.now() }), 'utf8').toString('base64');
  }

  private readToken(token: unknown, listing: string): { startDate: number; arn: string } {
    let decoded: any;
    try {
      decoded = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    if (decoded?.listing !== listing || typeof decoded.arn !== 'string') throw new AwsError('InvalidToken', 'Invalid Token');
    if (this.clock.now() - decoded.issued > PAGE_TOKEN_TTL_MS) throw new AwsError('InvalidToken', 'The token has expired');
    return { startDate: decoded.startDate, arn: decoded.arn };
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

/** The state machine of an execution ARN (a Map Run child's parent state machine); undefined when it is not one. */
function stateMachineArnOf(executionArn: string): string | undefined {
  const fields = executionArn.split(':');
  if (fields.length !== 8 || fields[5] !== 'execution') return undefined;
  return [...fields.slice(0, 5), 'stateMachine', fields[6].split('/')[0]].join(':');
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
