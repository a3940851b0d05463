import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive, Backoff, ErrorFilter } from 'cdk-stepfunctions-redrive';

const app = new App();
const stack = new Stack(app, 'RedriveStack', { env: { account: '123456789012', region: 'eu-west-1' } });
const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:';
const orders = sfn.StateMachine.fromStateMachineArn(stack, 'Orders', arn + 'orders');
const billing = sfn.StateMachine.fromStateMachineArn(stack, 'Billing', arn + 'billing');

const redrive = new AutoRedrive(stack, 'AutoRedrive', {
  stateMachines: [orders, billing],
  maxRedrives: 5,
  backoff: Backoff.exponential({ initialDelay: Duration.minutes(2), maxDelay: Duration.hours(2), multiplier: 3 }),
  errorFilter: ErrorFilter.deny([...ErrorFilter.unfixableErrors(), 'OrderRejected']),
});
redrive.onExhausted('Page', { target: new targets.SnsTopic(new sns.Topic(stack, 'Pager')) });
new cloudwatch.Alarm(stack, 'RedriveFailed', { metric: redrive.metricFailed(), threshold: 1, evaluationPeriods: 1 });

// Every state machine whose name starts with "reports-", including ones created later.
new AutoRedrive(stack, 'ReportsRedrive', { stateMachineNamePrefixes: ['reports-'] });

app.synth();
