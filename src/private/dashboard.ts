import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** The native Step Functions metrics of redrives, per state machine (dimension StateMachineArn). */
const NATIVE_REDRIVE_METRICS = ['ExecutionsRedriven', 'RedrivenExecutionsSucceeded', 'RedrivenExecutionsFailed', 'RedrivenExecutionsTimedOut'];
/** A graph stays readable with this many lines. */
const STATE_MACHINES_PER_GRAPH = 20;
const PERIOD = Duration.minutes(5);

export interface AutoRedriveDashboardProps {
  readonly outcomes: cloudwatch.IMetric[];
  readonly deadLetterQueueDepth: cloudwatch.IMetric;
  readonly handlerErrors: cloudwatch.IMetric;
  readonly intakeAge: cloudwatch.IMetric;
  /**
   * The listed state machines, graphed each by its ARN. Undefined when they are chosen by name
   * prefix or for the whole account: the graphs then search every state machine of the account and
   * Region, the watched ones being known only at run time.
   */
  readonly stateMachineArns?: string[];
}

/** What AutoRedrive did beside what Step Functions says came of it. */
export function createDashboard(scope: Construct, id: string, props: AutoRedriveDashboardProps): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, id);
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'AutoRedrive decisions', left: props.outcomes, width: 12 }),
    new cloudwatch.GraphWidget({ title: 'Dead-letter queue and handler errors', left: [props.deadLetterQueueDepth], right: [props.handlerErrors], width: 6 }),
    new cloudwatch.GraphWidget({ title: 'Intake queue: oldest message age (seconds)', left: [props.intakeAge], width: 6 }),
  );
  if (props.stateMachineArns === undefined) {
    dashboard.addWidgets(...NATIVE_REDRIVE_METRICS.map((metricName) => new cloudwatch.GraphWidget({
      title: `AWS/States ${metricName} (every state machine of the account and Region)`,
      width: 6,
      left: [searchEveryStateMachine(metricName)],
    })));
    return dashboard;
  }
  for (let start = 0; start < props.stateMachineArns.length; start += STATE_MACHINES_PER_GRAPH) {
    const arns = props.stateMachineArns.slice(start, start + STATE_MACHINES_PER_GRAPH);
    const part = props.stateMachineArns.length > STATE_MACHINES_PER_GRAPH ? ` (${start + 1}-${start + arns.length})` : '';
    dashboard.addWidgets(...NATIVE_REDRIVE_METRICS.map((metricName) => new cloudwatch.GraphWidget({
      title: `AWS/States ${metricName}${part}`,
      width: 6,
      left: arns.map((arn) => new cloudwatch.Metric({
        namespace: 'AWS/States',
        metricName,
        dimensionsMap: { StateMachineArn: arn },
        statistic: cloudwatch.Stats.SUM,
        period: PERIOD,
      })),
    })));
  }
  return dashboard;
}

/**
 * One line per state machine of the dashboard's account and Region that reported the metric in the
 * last two weeks (CloudWatch search returns up to 500).
 */
function searchEveryStateMachine(metricName: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{AWS/States,StateMachineArn} MetricName="${metricName}"', 'Sum', ${PERIOD.toSeconds()})`,
    usingMetrics: {},
    // A dynamic label applies to every metric the search returns: each line is named by its state machine.
    label: "${PROP('Dim.StateMachineArn')}",
    period: PERIOD,
  });
}
