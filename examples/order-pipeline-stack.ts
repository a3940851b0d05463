import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
// In your app: import { AutoRedrive, ErrorFilter } from 'cdk-stepfunctions-redrive';
import { AutoRedrive, ErrorFilter } from '../src';

/**
 * A Standard workflow that charges a payment provider which is sometimes down. When an execution
 * fails because of it, AutoRedrive resumes it at the failed step, up to three times; when it fails
 * a fourth time, the operations topic hears of it.
 */
export class OrderPipelineStack extends Stack {
  public readonly autoRedrive: AutoRedrive;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const charge = new lambda.Function(this, 'ChargePayment', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async (order) => ({ ...order, charged: true });'),
      timeout: Duration.seconds(10),
    });

    const orders = new sfn.StateMachine(this, 'Orders', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        new sfn.Pass(this, 'Validate').next(new tasks.LambdaInvoke(this, 'Charge', { lambdaFunction: charge, payloadResponseOnly: true })),
      ),
      timeout: Duration.minutes(15),
    });

    this.autoRedrive = new AutoRedrive(this, 'AutoRedrive', {
      stateMachines: [orders],
      maxRedrives: 3,
      errorFilter: ErrorFilter.deny([...ErrorFilter.unfixableErrors(), 'OrderRejected']),
    });
    const operations = new sns.Topic(this, 'Operations', { enforceSSL: true });
    this.autoRedrive.onExhausted('TellOperations', { target: new targets.SnsTopic(operations) });
  }
}
