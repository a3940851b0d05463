import { Template } from 'aws-cdk-lib/assertions';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AutoRedrive } from '../../src';
import { newStack, standardStateMachine, synthAutoRedrive } from '../support/stacks';

describe('alarms', () => {
  test('by default: the DLQ holds a message, an execution is exhausted, the handler fails, the intake backs up', () => {
    const { template, autoRedrive } = synthAutoRedrive();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Exhausted',
      Namespace: 'CdkStepFunctionsRedrive',
      Statistic: 'Sum',
      Period: 300,
      Dimensions: [{ Name: 'service', Value: autoRedrive.autoRedriveName }],
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1 });
    const intakeId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.includes('Intake'))!;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [intakeId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 900,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const alarms = [autoRedrive.deadLetterQueueAlarm, autoRedrive.exhaustedAlarm, autoRedrive.handlerErrorsAlarm, autoRedrive.intakeAgeAlarm];
    expect(alarms.every(Boolean)).toBe(true);
  });

  test('addAlarmActions pages through every alarm', () => {
    const stack = newStack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachines: [standardStateMachine(stack, 'M')] });
    const topic = new sns.Topic(stack, 'Pager', { enforceSSL: true });
    autoRedrive.addAlarmActions(new cwActions.SnsAction(topic));
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as any[];
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Pager/) }]);
  });

  test('opt out with alarms: false', () => {
    const { template, autoRedrive } = synthAutoRedrive({ alarms: false });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(autoRedrive.exhaustedAlarm).toBeUndefined();
    expect(() => autoRedrive.addAlarmActions()).not.toThrow();
  });
});
