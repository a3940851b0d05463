import {
  DescribeExecutionCommand, ExecutionStatus, ListExecutionsCommand, ListStateMachinesCommand, RedriveExecutionCommand, SFNClient,
} from '@aws-sdk/client-sfn';
import { ExecutionFacts } from './request';

/** The execution as it is now. DescribeExecution's quota is small: called only when a trigger cannot be trusted on its word. */
export async function describeExecution(client: SFNClient, executionArn: string, abortSignal: AbortSignal): Promise<ExecutionFacts> {
  const output = await client.send(new DescribeExecutionCommand({ executionArn }), { abortSignal });
  if (output.redriveCount === undefined && output.redriveDate !== undefined) {
    // Redriven at some point, but how often is not said: no token, and no maxRedrives check, can be trusted.
    throw Object.assign(new Error(`DescribeExecution of ${executionArn} gave a redriveDate but no redriveCount`), { name: 'IncompleteDescription' });
  }
  return {
    status: output.status ?? 'UNKNOWN',
    redriveStatus: output.redriveStatus,
    // Never redriven: Step Functions counts from 0.
    redriveCount: output.redriveCount ?? 0,
    stopDate: output.stopDate?.getTime(),
    error: output.error,
    cause: output.cause,
  };
}

/** Calls RedriveExecution; returns when Step Functions says the execution was redriven (for this token). */
export async function redriveExecution(
  client: SFNClient,
  executionArn: string,
  clientToken: string,
  abortSignal: AbortSignal,
): Promise<Date | undefined> {
  const output = await client.send(new RedriveExecutionCommand({ executionArn, clientToken }), { abortSignal });
  return output.redriveDate;
}

/** One execution of a ListExecutions page. */
export interface ListedExecution {
  readonly executionArn: string;
  readonly stateMachineArn?: string;
  readonly status: string;
  /** Epoch milliseconds. */
  readonly startDate?: number;
  readonly stopDate?: number;
  /** When it was last redriven, if ever. */
  readonly redriveDate?: number;
  /** Undefined when Step Functions gave a redriveDate but no count: how often it was redriven is not known. */
  readonly redriveCount?: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/**
 * One page of a state machine's executions in one status, newest (by start) first: those redriven
 * at least once, those never redriven, or (without `redriveFilter`) both.
 */
export async function listExecutionsPage(
  client: SFNClient,
  stateMachineArn: string,
  status: string,
  redriveFilter: 'REDRIVEN' | 'NOT_REDRIVEN' | undefined,
  pageToken: string | undefined,
  maxResults: number,
  abortSignal: AbortSignal,
): Promise<Page<ListedExecution>> {
  const output = await client.send(new ListExecutionsCommand({
    stateMachineArn, statusFilter: status as ExecutionStatus, redriveFilter, nextToken: pageToken, maxResults,
  }), { abortSignal });
  return {
    items: (output.executions ?? []).map((item) => ({
      executionArn: item.executionArn!,
      stateMachineArn: item.stateMachineArn,
      status: item.status ?? status,
      startDate: item.startDate?.getTime(),
      stopDate: item.stopDate?.getTime(),
      redriveDate: item.redriveDate?.getTime(),
      redriveCount: item.redriveCount ?? (item.redriveDate === undefined ? 0 : undefined),
    })),
    nextToken: output.nextToken,
  };
}

/** One state machine of a ListStateMachines page. */
export interface ListedStateMachine {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: string;
}

/** One page of the account's and Region's state machines. */
export async function listStateMachinesPage(
  client: SFNClient,
  pageToken: string | undefined,
  maxResults: number,
  abortSignal: AbortSignal,
): Promise<Page<ListedStateMachine>> {
  const output = await client.send(new ListStateMachinesCommand({ nextToken: pageToken, maxResults }), { abortSignal });
  return {
    items: (output.stateMachines ?? []).map((item) => ({ stateMachineArn: item.stateMachineArn!, name: item.name!, type: item.type ?? 'STANDARD' })),
    nextToken: output.nextToken,
  };
}
