import { ArnFormat, Fn, Stack, Token } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, HandlerPolicy, STATE_MACHINE_NAME_SEPARATOR } from './contract';
import { MAX_LAMBDA_ENVIRONMENT_BYTES } from './limits';
import { WatchedStateMachine } from './watched-state-machine';

/** The SDK's retry settings: adaptive mode slows the client down when Step Functions throttles. */
const SDK_RETRY_ENVIRONMENT = { AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '4' };

/** Room for a resolved token of unknown length: an ARN prefix, a queue URL. */
const RESOLVED_TOKEN_LENGTH_AT_MOST = 200;

/**
 * The handler's environment. Throws when it could exceed Lambda's 4 KB limit once deployed, which
 * a long list of state machine names can.
 */
export function handlerEnvironment(
  scope: Construct,
  policy: HandlerPolicy,
  stateMachines: WatchedStateMachine[],
  deadLetterQueue: sqs.IQueue,
): Record<string, string> {
  const stack = Stack.of(scope);
  const environment: Record<string, string> = {
    [ENV.POLICY]: stack.toJsonString(policy),
    [ENV.STATE_MACHINE_ARN_PREFIX]: stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: '',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    [ENV.STATE_MACHINE_NAMES]: Fn.join(STATE_MACHINE_NAME_SEPARATOR, stateMachines.map((machine) => machine.name)),
    [ENV.DEAD_LETTER_QUEUE_URL]: deadLetterQueue.queueUrl,
    POWERTOOLS_SERVICE_NAME: 'auto-redrive',
    ...SDK_RETRY_ENVIRONMENT,
  };
  const size = expectedSize(scope, environment, stateMachines);
  if (size > MAX_LAMBDA_ENVIRONMENT_BYTES) {
    throw new Error(
      `AutoRedrive ${scope.node.path}: the names of its ${stateMachines.length} state machines would take the handler's ` +
      `environment to about ${size} bytes, over Lambda's limit of ${MAX_LAMBDA_ENVIRONMENT_BYTES}: ` +
      'split the state machines across several AutoRedrive constructs, or give them shorter names',
    );
  }
  return environment;
}

function expectedSize(scope: Construct, environment: Record<string, string>, stateMachines: WatchedStateMachine[]): number {
  let size = 0;
  for (const [key, value] of Object.entries(environment)) {
    size += key.length;
    if (key === ENV.STATE_MACHINE_NAMES) {
      size += stateMachines.reduce((sum, machine) => sum + machine.expectedNameLength + 1, 0);
    } else if (Token.isUnresolved(value)) {
      const resolved = Stack.of(scope).resolve(value);
      size += typeof resolved === 'string' ? resolved.length : RESOLVED_TOKEN_LENGTH_AT_MOST;
    } else {
      size += value.length;
    }
  }
  return size;
}
