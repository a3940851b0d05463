import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
// In your app: import { AutoRedrive, Backoff } from 'cdk-stepfunctions-redrive';
import { AutoRedrive, Backoff } from '../../src';

/** How long AutoRedrive waits after a failure before it redrives: short, so that a real run ends in a few minutes. */
export const DEMO_REDRIVE_DELAY = Duration.minutes(1);

/**
 * The step's code: it fails while the execution has never been redriven, and succeeds once it has.
 * Step Functions passes `$$.Execution.RedriveCount` in the payload.
 */
export const FLAKY_STEP_CODE = [
  'exports.handler = async (event) => {',
  '  if (event.redriveCount === 0) {',
  "    const error = new Error('the first run fails; a redrive succeeds');",
  "    error.name = 'FirstRunFailure';",
  '    throw error;',
  '  }',
  '  return { redriveCount: event.redriveCount, done: true };',
  '};',
].join('\n');

/**
 * A Standard workflow with one Lambda step that fails on the first run and succeeds when the
 * execution is redriven, watched by AutoRedrive with a one-minute backoff.
 */
export class RedriveDemoStack extends Stack {
  public readonly stateMachine: sfn.StateMachine;
  public readonly autoRedrive: AutoRedrive;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const flakyStep = new lambda.Function(this, 'FlakyStep', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(FLAKY_STEP_CODE),
      timeout: Duration.seconds(10),
      memorySize: 128,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: new logs.LogGroup(this, 'FlakyStepLogs', { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY }),
    });

    this.stateMachine = new sfn.StateMachine(this, 'Workflow', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(new tasks.LambdaInvoke(this, 'RunFlakyStep', {
        lambdaFunction: flakyStep,
        payload: sfn.TaskInput.fromObject({ redriveCount: sfn.JsonPath.numberAt('$$.Execution.RedriveCount') }),
        payloadResponseOnly: true,
      })),
      timeout: Duration.minutes(5),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'WorkflowLogs', { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY }),
        level: sfn.LogLevel.ALL,
      },
    });

    this.autoRedrive = new AutoRedrive(this, 'AutoRedrive', {
      stateMachines: [this.stateMachine],
      backoff: Backoff.fixed(DEMO_REDRIVE_DELAY),
    });

    NagSuppressions.addResourceSuppressions(flakyStep, [
      { id: 'AwsSolutions-IAM4', reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs' },
      { id: 'Serverless-LambdaDLQ', reason: 'Step Functions invokes the function synchronously and records its failure in the execution' },
      { id: 'AwsSolutions-IAM5', reason: 'X-Ray\'s PutTraceSegments and PutTelemetryRecords take no resource', appliesTo: ['Resource::*'] },
    ], true);
    NagSuppressions.addResourceSuppressions(this.stateMachine, [{
      id: 'AwsSolutions-IAM5',
      reason: 'CDK grants lambda:InvokeFunction on the function\'s versions, and X-Ray and log delivery actions that take no resource',
      appliesTo: [`Resource::<${this.getLogicalId(flakyStep.node.defaultChild as lambda.CfnFunction)}.Arn>:*`, 'Resource::*'],
    }], true);
  }
}
