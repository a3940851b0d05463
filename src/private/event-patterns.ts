import * as events from 'aws-cdk-lib/aws-events';
import { splitByLength } from './split-by-length';
import { WatchedStateMachine } from './watched-state-machine';
import { EXECUTION_EVENT_DETAIL_TYPE, EXECUTION_EVENT_SOURCE } from '../shared/contract';
import { MAX_EVENT_PATTERN_LENGTH } from '../shared/limits';


/** `"<arn>",` in the serialized pattern. */
const QUOTES_AND_COMMA = 3;

/**
 * The event patterns that together match failed, redrivable executions of exactly the watched
 * state machines, each within EventBridge's pattern length limit once the ARNs are resolved.
 */
export function failedExecutionPatterns(stateMachines: WatchedStateMachine[], statuses: string[]): events.EventPattern[] {
  const patternFor = (arns: string[]): events.EventPattern => ({
    source: [EXECUTION_EVENT_SOURCE],
    detailType: [EXECUTION_EVENT_DETAIL_TYPE],
    detail: {
      status: statuses,
      redriveStatus: ['REDRIVABLE'],
      stateMachineArn: arns,
    },
  });
  const fixedLength = JSON.stringify(serialized(patternFor([]))).length;
  const groups = splitByLength(
    stateMachines,
    (machine) => machine.arnLengthAtMost + QUOTES_AND_COMMA,
    MAX_EVENT_PATTERN_LENGTH - fixedLength,
  );
  return groups.map((group) => patternFor(group.map((machine) => machine.arn)));
}

/** The pattern as EventBridge stores it: `detail-type`, not `detailType`. */
function serialized(pattern: events.EventPattern): object {
  return { 'source': pattern.source, 'detail-type': pattern.detailType, 'detail': pattern.detail };
}
