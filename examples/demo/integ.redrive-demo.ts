import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { RedriveDemoStack } from './redrive-demo-stack';

/**
 * Deploys the demo, starts an execution and waits until AutoRedrive has redriven it once and the
 * redriven run has succeeded. `npx projen integ:deploy` runs it in an AWS account; the test task
 * checks the committed snapshot without one.
 */
const app = new App();
const stack = new RedriveDemoStack(app, 'RedriveDemo');
const integ = new IntegTest(app, 'RedriveDemoTest', { testCases: [stack] });

const start = integ.assertions.awsApiCall('SFN', 'startExecution', { stateMachineArn: stack.stateMachine.stateMachineArn });
const finished = integ.assertions
  .awsApiCall('SFN', 'describeExecution', { executionArn: start.getAttString('executionArn') })
  .expect(ExpectedResult.objectLike({ status: 'SUCCEEDED', redriveCount: 1 }))
  // The failure, a minute of backoff, Scheduler's firing and the redriven run: about three minutes.
  .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(20) });
start.next(finished);

app.synth();
