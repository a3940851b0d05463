import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { LIBRARY_SOURCE } from '../shared/contract';

/**
 * A rule on the outcome event bus that matches one AutoRedrive's outcome events of the given
 * detail-types, built the way aws-cdk-lib's `onEvent` helpers build theirs.
 */
export function outcomeRule(
  scope: Construct,
  id: string,
  eventBus: events.IEventBus,
  autoRedriveName: string,
  detailTypes: string[],
  options: events.OnEventOptions = {},
): events.Rule {
  const rule = new events.Rule(scope, id, {
    eventBus,
    description: options.description,
    ruleName: options.ruleName,
    crossStackScope: options.crossStackScope,
  });
  rule.addEventPattern({
    source: [LIBRARY_SOURCE],
    detailType: detailTypes,
    detail: { autoRedrive: [autoRedriveName] },
  });
  if (options.eventPattern) rule.addEventPattern(options.eventPattern);
  if (options.target) rule.addTarget(options.target);
  return rule;
}
