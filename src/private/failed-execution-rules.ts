import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { failedExecutionPatterns } from './event-patterns';
import { IntakeQueue } from './intake-queue';
import { Selection } from './selection';

export interface FailedExecutionRulesProps {
  readonly selection: Selection;
  readonly statuses: string[];
  /** Where the rules send the events. */
  readonly intake: IntakeQueue;
}

/**
 * The rules that send failed, redrivable executions of the watched state machines to the intake queue:
 * `Rule`, then `Rule2`, ... when the state machines (or name prefixes) are too many for one event
 * pattern.
 */
export function failedExecutionRules(scope: Construct, props: FailedExecutionRulesProps): events.Rule[] {
  return failedExecutionPatterns(props.selection.arnMatchers(), props.statuses).map((eventPattern, index) =>
    new events.Rule(scope, index === 0 ? 'Rule' : `Rule${index + 1}`, {
      description: 'Failed, redrivable executions of state machines watched by AutoRedrive',
      eventPattern,
      targets: [props.intake.ruleTarget()],
    }));
}
