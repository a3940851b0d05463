import { ExecutionListItem, ExecutionStatus, ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CliError, describeAwsError, UsageError } from './errors';

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

/**
 * The state machines the flags name: ARNs as given; names and prefixes found with ListStateMachines
 * (Standard ones only). A name that does not exist, or a prefix that matches nothing, is an error.
 */
export async function resolveStateMachines(client: SFNClient, names: readonly string[], prefixes: readonly string[]): Promise<StateMachine[]> {
  const found = new Map<string, StateMachine>();
  for (const arn of names.filter((name) => name.startsWith('arn:'))) found.set(arn, { arn, name: arn.split(':')[6] });
  const plainNames = names.filter((name) => !name.startsWith('arn:'));
  if (plainNames.length === 0 && prefixes.length === 0) return [...found.values()];

  const all: { arn: string; name: string; type?: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListStateMachinesCommand({ maxResults: 1000, nextToken }));
    for (const item of page.stateMachines ?? []) {
      if (item.stateMachineArn && item.name) all.push({ arn: item.stateMachineArn, name: item.name, type: item.type });
    }
    nextToken = page.nextToken;
  } while (nextToken);

  const problems: string[] = [];
  for (const name of plainNames) {
    const match = all.find((machine) => machine.name === name);
    if (!match) problems.push(`state machine ${JSON.stringify(name)} not found in this account and Region`);
    else if (match.type === 'EXPRESS') problems.push(`state machine ${JSON.stringify(name)} is an Express state machine: only Standard executions can be redriven`);
    else found.set(match.arn, { arn: match.arn, name: match.name });
  }
  for (const prefix of prefixes) {
    const matches = all.filter((machine) => machine.name.startsWith(prefix) && machine.type !== 'EXPRESS');
    if (matches.length === 0) problems.push(`no Standard state machine's name starts with ${JSON.stringify(prefix)} in this account and Region`);
    for (const match of matches) found.set(match.arn, { arn: match.arn, name: match.name });
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
): Promise<ExecutionListItem[]> {
  const executions: ExecutionListItem[] = [];
  for (const status of statuses) {
    let nextToken: string | undefined;
    do {
      if (stopping()) return executions;
      let page;
      try {
        page = await client.send(new ListExecutionsCommand({
          stateMachineArn: stateMachine.arn, statusFilter: status as ExecutionStatus, maxResults: 1000, nextToken,
        }));
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'StateMachineDoesNotExist') throw new UsageError(`state machine ${stateMachine.arn} does not exist`);
        if (name === 'InvalidArn') throw new UsageError(`${stateMachine.arn} is not a valid state machine ARN: ${(error as Error).message}`);
        if (name === 'StateMachineTypeNotSupported') {
          throw new UsageError(`state machine ${stateMachine.arn} is an Express state machine: only Standard executions can be redriven`);
        }
        throw error;
      }
      for (const execution of page.executions ?? []) {
        const stopped = execution.stopDate?.getTime();
        if (stopped !== undefined && stopped >= since.getTime() && stopped < until.getTime()) executions.push(execution);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return executions;
}
