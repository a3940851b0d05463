import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CliError, describeAwsError, UsageError } from './errors';
import { errorMessage, errorName } from '../core/aws-errors';
import { listExecutionsPage, ListedExecution, ListedStateMachine, listStateMachinesPage } from '../core/step-functions';
import { MAX_LIST_PAGE_SIZE } from '../src/shared/limits';

const TIMEOUTS = { connectionTimeout: 5_000, requestTimeout: 20_000, throwOnRequestTimeout: true };

/**
 * The SDK clients, configured by the standard chain (profile, AWS_REGION, AWS_ENDPOINT_URL*).
 * Listing and reading the queue let the SDK retry with adaptive pacing; the redrive path's client
 * makes one attempt, so that throttling comes back to the CLI's own pacer and retries.
 */
export interface CliClients {
  readonly list: SFNClient;
  readonly path: SFNClient;
  readonly sqs: () => SQSClient;
}

export function createClients(): CliClients {
  let sqs: SQSClient | undefined;
  return {
    list: new SFNClient({ retryMode: 'adaptive', maxAttempts: 10, requestHandler: TIMEOUTS }),
    path: new SFNClient({ maxAttempts: 1, requestHandler: TIMEOUTS }),
    // By default the SQS client sends to the host a queue URL names, not to the endpoint the variables set.
    sqs: () => (sqs ??= new SQSClient({ retryMode: 'adaptive', maxAttempts: 6, requestHandler: TIMEOUTS, useQueueUrlAsEndpoint: !endpointSet('SQS') })),
  };
}

/** Whether AWS_ENDPOINT_URL_<service> or AWS_ENDPOINT_URL sets the service's endpoint, as the SDK reads them. */
function endpointSet(service: string): boolean {
  const env = process.env;
  return env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true' && Boolean(env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL);
}

/** Fails early, with a sentence, when there is no Region or no credentials. */
export async function checkConfiguration(client: SFNClient | SQSClient): Promise<void> {
  try {
    await client.config.region();
    await client.config.credentials();
  } catch (error) {
    throw new CliError(describeAwsError(error));
  }
}

export interface StateMachine {
  readonly arn: string;
  readonly name: string;
}

/** The CLI's listing calls run to the end: Ctrl-C stops between pages, not within one. */
const NEVER = new AbortController().signal;

/**
 * The state machines the flags name: ARNs as given; names and prefixes found with ListStateMachines
 * (Standard ones only). A name that does not exist, or a prefix that matches nothing, is an error.
 */
export async function resolveStateMachines(client: SFNClient, names: readonly string[], prefixes: readonly string[]): Promise<StateMachine[]> {
  const found = new Map<string, StateMachine>();
  for (const arn of names.filter((name) => name.startsWith('arn:'))) found.set(arn, { arn, name: arn.split(':')[6] });
  const plainNames = names.filter((name) => !name.startsWith('arn:'));
  if (plainNames.length === 0 && prefixes.length === 0) return [...found.values()];

  const all: ListedStateMachine[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listStateMachinesPage(client, nextToken, MAX_LIST_PAGE_SIZE, NEVER);
    all.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);

  const problems: string[] = [];
  for (const name of plainNames) {
    const match = all.find((machine) => machine.name === name);
    if (!match) problems.push(`state machine ${JSON.stringify(name)} not found in this account and Region`);
    else if (match.type === 'EXPRESS') problems.push(`state machine ${JSON.stringify(name)} is an Express state machine: only Standard executions can be redriven`);
    else found.set(match.stateMachineArn, { arn: match.stateMachineArn, name: match.name });
  }
  for (const prefix of prefixes) {
    const matches = all.filter((machine) => machine.name.startsWith(prefix) && machine.type !== 'EXPRESS');
    if (matches.length === 0) problems.push(`no Standard state machine's name starts with ${JSON.stringify(prefix)} in this account and Region`);
    for (const match of matches) found.set(match.stateMachineArn, { arn: match.stateMachineArn, name: match.name });
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return [...found.values()];
}

/**
 * Every execution of the state machine with one of `statuses` that stopped in [since, until):
 * ListExecutions once per status, every page.
 */
export async function listStoppedExecutions(
  client: SFNClient,
  stateMachine: StateMachine,
  statuses: readonly string[],
  since: Date,
  until: Date,
  stopping: () => boolean,
): Promise<ListedExecution[]> {
  const executions: ListedExecution[] = [];
  for (const status of statuses) {
    let nextToken: string | undefined;
    do {
      if (stopping()) return executions;
      let page;
      try {
        page = await listExecutionsPage(client, stateMachine.arn, status, undefined, nextToken, MAX_LIST_PAGE_SIZE, NEVER);
      } catch (error) {
        throw listingError(error, stateMachine);
      }
      executions.push(...page.items.filter((execution) =>
        execution.stopDate !== undefined && execution.stopDate >= since.getTime() && execution.stopDate < until.getTime()));
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return executions;
}

/** What a ListExecutions error means for the state machine a person named. */
function listingError(error: unknown, stateMachine: StateMachine): unknown {
  switch (errorName(error)) {
    case 'StateMachineDoesNotExist':
      return new UsageError(`state machine ${stateMachine.arn} does not exist`);
    case 'InvalidArn':
      return new UsageError(`${stateMachine.arn} is not a valid state machine ARN: ${errorMessage(error)}`);
    case 'StateMachineTypeNotSupported':
      return new UsageError(`state machine ${stateMachine.arn} is an Express state machine: only Standard executions can be redriven`);
    default:
      return error;
  }
}
