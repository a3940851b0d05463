import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** The native Step Functions metrics of redrives, per state machine (dimension StateMachineArn). */
const NATIVE_REDRIVE_METRICS = ['ExecutionsRedriven', 'RedrivenExecutionsSucceeded', 'RedrivenExecutionsFailed', 'RedrivenExecutionsTimedOut'];
/** A graph stays readable with this many lines. */
const STATE_MACHINES_PER_GRAPH = 20;

export interface AutoRedriveDashboardProps {
  readonly outcomes: cloudwatch.IMetric[];
  readonly deadLetterQueueDepth: cloudwatch.IMetric;
  readonly handlerErrors: cloudwatch.IMetric;
  readonly stateMachineArns: string[];
}

/** What AutoRedrive did beside what Step Functions says came of it. */
export function createDashboard(scope: Construct, id: string, props: AutoRedriveDashboardProps): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, id);
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'AutoRedrive decisions', left: props.outcomes, width: 12 }),
    new cloudwatch.GraphWidget({ title: 'Dead-letter queue and handler errors', left: [props.deadLetterQueueDepth], right: [props.handlerErrors], width: 12 }),
  );
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
        period: Duration.minutes(5),
      })),
    })));
  }
  return dashboard;
}
