import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { WorkflowStandIn } from '../../../examples/demo/local/workflow-stand-in';
import { RedriveDemoStack } from '../../../examples/demo/redrive-demo-stack';
import { deployToFake } from '../../../tools/deploy-to-fake';
import { FakeAws } from '../../../tools/fake-aws/server';
import { naming } from '../../support/messages';

function synthesize() {
  const app = new App();
  const stack = new RedriveDemoStack(app, 'RedriveDemo');
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  Aspects.of(stack).add(new ServerlessChecks({ verbose: true }));
  const template = app.synth().getStackByName(stack.stackName).template;
  return { stack, template, machineId: stack.getLogicalId(stack.stateMachine.node.defaultChild as any) };
}

describe('examples/demo RedriveDemoStack', () => {
  const { stack, template, machineId } = synthesize();

  test('cdk-nag\'s AwsSolutions and Serverless packs find nothing unacknowledged in the whole stack', () => {
    const annotations = Annotations.fromStack(stack);
    const findings = [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())]
      .map((finding) => `${finding.id}: ${String(finding.entry.data).split(':')[0]}`);
    expect(findings).toEqual([]);
  });

  describe('its state machine, run by the local stand-in from the synthesized template', () => {
    let fake: FakeAws;
    let workflow: WorkflowStandIn;
    beforeEach(async () => {
      fake = await FakeAws.start();
      deployToFake(template, fake, { [machineId]: 'RedriveDemo-Workflow' });
      workflow = new WorkflowStandIn(fake, template, machineId, 'RedriveDemo-Workflow');
    });
    afterEach(() => fake.close());

    test('fails on the first run, with the step\'s error, and the status change matches the AutoRedrive rule', async () => {
      const end = await workflow.start('first');

      expect(end.failedState).toBe('RunFlakyStep');
      expect(end.execution).toMatchObject({ status: 'FAILED', redriveCount: 0, error: 'FirstRunFailure' });
      expect(JSON.parse(end.execution.cause!)).toEqual({ errorType: 'FirstRunFailure', errorMessage: 'the first run fails; a redrive succeeds' });
      expect(fake.eventBridge.matchingRules(end.statusChange).map((rule) => rule.Name)).toEqual([expect.stringMatching(/^AutoRedriveRule/)]);
    });

    test('succeeds when redriven: the step sees $$.Execution.RedriveCount 1', async () => {
      const { execution } = await workflow.start('second');
      await expect(workflow.resume(execution.executionArn)).rejects.toThrow(naming(execution.executionArn));

      fake.stepFunctions.handle('RedriveExecution', { executionArn: execution.executionArn });
      const end = await workflow.resume(execution.executionArn);

      expect(end.failedState).toBeUndefined();
      expect(end.execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, error: undefined });
      expect(fake.eventBridge.matchingRules(end.statusChange)).toEqual([]);
    });
  });
});
