import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Selection, stateMachineArnPrefix } from './selection';
import { splitByLength } from './split-by-length';
import { ARN_PREFIX_LENGTH_AT_MOST } from './watched-state-machine';
import { EXECUTION_EVENT_DETAIL_TYPE, EXECUTION_EVENT_SOURCE } from '../shared/contract';
import { MAX_EVENT_PATTERN_LENGTH } from '../shared/limits';

/** `"<arn>",` in the serialized pattern. */
const QUOTES_AND_COMMA = 3;
/** `{"prefix":"<arn prefix>"},` in the serialized pattern. */
const PREFIX_MATCHER_OVERHEAD = '{"prefix":""},'.length;

/** One entry of a pattern's `stateMachineArn` list, and the most characters it takes once deployed. */
interface ArnMatcher {
  /** An ARN (exact match), or `{ prefix }` (EventBridge prefix matching). */
  readonly matcher: string | { readonly prefix: string };
  readonly lengthAtMost: number;
}

/**
 * The event patterns that together match failed, redrivable executions of exactly the watched
 * state machines, each within EventBridge's pattern length limit once the ARNs are resolved:
 * the listed ARNs, or the ARN prefixes of the name prefixes (the empty name prefix for every state
 * machine of the stack's account and Region).
 */
export function failedExecutionPatterns(stack: Stack, selection: Selection, statuses: string[]): events.EventPattern[] {
  const patternFor = (matchers: ArnMatcher[]): events.EventPattern => ({
    source: [EXECUTION_EVENT_SOURCE],
    detailType: [EXECUTION_EVENT_DETAIL_TYPE],
    detail: {
      status: statuses,
      redriveStatus: ['REDRIVABLE'],
      stateMachineArn: matchers.map(({ matcher }) => matcher),
    },
  });
  const fixedLength = JSON.stringify(serialized(patternFor([]))).length;
  const groups = splitByLength(arnMatchers(stack, selection), (entry) => entry.lengthAtMost, MAX_EVENT_PATTERN_LENGTH - fixedLength);
  return groups.map(patternFor);
}

function arnMatchers(stack: Stack, selection: Selection): ArnMatcher[] {
  const prefixMatcher = (namePrefix: string): ArnMatcher => ({
    matcher: { prefix: stateMachineArnPrefix(stack, namePrefix) },
    // JSON.stringify: the prefix as the pattern spells it, escapes included.
    lengthAtMost: PREFIX_MATCHER_OVERHEAD + ARN_PREFIX_LENGTH_AT_MOST + JSON.stringify(namePrefix).length - 2,
  });
  switch (selection.kind) {
    case 'LIST':
      return selection.stateMachines.map((machine) => ({ matcher: machine.arn, lengthAtMost: machine.arnLengthAtMost + QUOTES_AND_COMMA }));
    case 'PREFIXES':
      return selection.namePrefixes.map(prefixMatcher);
    case 'ALL':
      return [prefixMatcher('')];
  }
}

/** The pattern as EventBridge stores it: `detail-type`, not `detailType`. */
function serialized(pattern: events.EventPattern): object {
  return { 'source': pattern.source, 'detail-type': pattern.detailType, 'detail': pattern.detail };
}
