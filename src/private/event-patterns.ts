import * as events from 'aws-cdk-lib/aws-events';
import { splitByLength } from './split-by-length';
import { ARN_PREFIX_LENGTH_AT_MOST } from './watched-state-machine';
import { EXECUTION_EVENT_DETAIL_TYPE, EXECUTION_EVENT_SOURCE } from '../shared/contract';
import { MAX_EVENT_PATTERN_LENGTH } from '../shared/limits';

/** `"<arn>",` in the serialized pattern. */
const QUOTES_AND_COMMA = 3;
/** `{"prefix":"<arn prefix>"},` in the serialized pattern. */
const PREFIX_MATCHER_OVERHEAD = '{"prefix":""},'.length;

/** One entry of a pattern's `stateMachineArn` list, and the most characters it takes once deployed. */
export interface ArnMatcher {
  /** An ARN (exact match), or `{ prefix }` (EventBridge prefix matching). */
  readonly matcher: string | { readonly prefix: string };
  readonly lengthAtMost: number;
}

/** Matches the state machine with this ARN, which takes at most `arnLengthAtMost` characters once deployed. */
export function exactArnMatcher(arn: string, arnLengthAtMost: number): ArnMatcher {
  return { matcher: arn, lengthAtMost: arnLengthAtMost + QUOTES_AND_COMMA };
}

/**
 * Matches every state machine whose ARN starts with `arnPrefix`: the ARN prefix
 * (`arn:<partition>:states:<region>:<account>:stateMachine:<namePrefix>`) of the name prefix.
 */
export function prefixArnMatcher(arnPrefix: string, namePrefix: string): ArnMatcher {
  return {
    matcher: { prefix: arnPrefix },
    // JSON.stringify: the prefix as the pattern spells it, escapes included.
    lengthAtMost: PREFIX_MATCHER_OVERHEAD + ARN_PREFIX_LENGTH_AT_MOST + JSON.stringify(namePrefix).length - 2,
  };
}

/**
 * The event patterns that together match failed, redrivable executions of the state machines the
 * matchers match (those of the watched state machines), each within EventBridge's pattern length
 * limit once the ARNs are resolved.
 */
export function failedExecutionPatterns(matchers: ArnMatcher[], statuses: string[]): events.EventPattern[] {
  const patternFor = (group: ArnMatcher[]): events.EventPattern => ({
    source: [EXECUTION_EVENT_SOURCE],
    detailType: [EXECUTION_EVENT_DETAIL_TYPE],
    detail: {
      status: statuses,
      redriveStatus: ['REDRIVABLE'],
      stateMachineArn: group.map(({ matcher }) => matcher),
    },
  });
  const fixedLength = JSON.stringify(serialized(patternFor([]))).length;
  const groups = splitByLength(matchers, (entry) => entry.lengthAtMost, MAX_EVENT_PATTERN_LENGTH - fixedLength);
  return groups.map(patternFor);
}

/** The pattern as EventBridge stores it: `detail-type`, not `detailType`. */
function serialized(pattern: events.EventPattern): object {
  return { 'source': pattern.source, 'detail-type': pattern.detailType, 'detail': pattern.detail };
}
