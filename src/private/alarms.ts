import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

export interface AutoRedriveAlarmsProps {
  readonly deadLetterQueueDepth: cloudwatch.IMetric;
  readonly redrivesExhausted: cloudwatch.IMetric;
  readonly handlerErrors: cloudwatch.IMetric;
}

/** The alarms an operator wants paged for: something kept in the DLQ, a redrive given up, the handler failing. */
export class AutoRedriveAlarms extends Construct {
  public readonly deadLetterQueue: cloudwatch.Alarm;
  public readonly exhausted: cloudwatch.Alarm;
  public readonly handlerErrors: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AutoRedriveAlarmsProps) {
    super(scope, id);
    const atLeastOne = (alarmId: string, metric: cloudwatch.IMetric, alarmDescription: string) => new cloudwatch.Alarm(this, alarmId, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription,
    });
    this.deadLetterQueue = atLeastOne('DeadLetterQueue', props.deadLetterQueueDepth,
      'AutoRedrive kept an event it could not handle in its dead-letter queue: read the message for the error.');
    this.exhausted = atLeastOne('Exhausted', props.redrivesExhausted,
      'AutoRedrive gave up on an execution: it failed again after maxRedrives redrives.');
    this.handlerErrors = atLeastOne('HandlerErrors', props.handlerErrors,
      'The AutoRedrive handler failed an invocation; Lambda retries it, then keeps it in the dead-letter queue.');
  }

  public get all(): cloudwatch.Alarm[] {
    return [this.deadLetterQueue, this.exhausted, this.handlerErrors];
  }
}

export const ALARM_PERIOD = Duration.minutes(5);
