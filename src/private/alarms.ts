import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

export interface AutoRedriveAlarmsProps {
  readonly deadLetterQueueDepth: cloudwatch.IMetric;
  readonly redrivesExhausted: cloudwatch.IMetric;
  readonly handlerErrors: cloudwatch.IMetric;
  readonly intakeAge: cloudwatch.IMetric;
}

/** The intake queue's oldest message waited this long: a storm of thousands drains in minutes, so the handler is stuck or far behind. */
const INTAKE_AGE_THRESHOLD = Duration.minutes(15);

/** The alarms an operator wants paged for: something kept in the DLQ, a redrive given up, the handler failing or falling behind. */
export class AutoRedriveAlarms extends Construct {
  public readonly deadLetterQueue: cloudwatch.Alarm;
  public readonly exhausted: cloudwatch.Alarm;
  public readonly handlerErrors: cloudwatch.Alarm;
  public readonly intakeAge: cloudwatch.Alarm;

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
      'The AutoRedrive handler failed an invocation; its messages return to the intake queue, and after their receives go to the dead-letter queue.');
    this.intakeAge = new cloudwatch.Alarm(this, 'IntakeAge', {
      metric: props.intakeAge,
      threshold: INTAKE_AGE_THRESHOLD.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `A trigger has waited ${INTAKE_AGE_THRESHOLD.toMinutes()} minutes in the AutoRedrive intake queue: the handler is stuck or far behind a storm.`,
    });
  }

  public get all(): cloudwatch.Alarm[] {
    return [this.deadLetterQueue, this.exhausted, this.handlerErrors, this.intakeAge];
  }
}

export const ALARM_PERIOD = Duration.minutes(5);
