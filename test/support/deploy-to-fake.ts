import { DeployedValues, resolveIntrinsics } from './cfn-intrinsics';
import { ACCOUNT, REGION } from './events';
import { FakeAws } from './fake-aws/server';

export interface FakeDeployment {
  /** The handler's environment as Lambda would give it, pointed at the fake. */
  readonly environment: Record<string, string>;
  readonly handlerArn: string;
  readonly deadLetterQueueUrl: string;
}

/**
 * "Deploys" the AutoRedrive in a synthesized template to the fake: its rules with their resolved
 * event patterns, its schedule group and its dead-letter queue, and resolves the handler's
 * environment. State machines get the given names.
 */
export function deployToFake(template: any, fake: FakeAws, stateMachineNames: Record<string, string>): FakeDeployment {
  const resources: Record<string, any> = template.Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const [[queueId]] = ofType('AWS::SQS::Queue');
  const [[handlerId, handler]] = ofType('AWS::Lambda::Function').filter(([id]) => id.startsWith('AutoRedriveHandler'));
  const deadLetterQueueUrl = fake.createQueue(`dlq-${queueId}`);
  const handlerArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${handlerId}`;

  const deployed: DeployedValues = {
    refs: { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, [queueId]: deadLetterQueueUrl },
    attributes: {
      [`${queueId}.Arn`]: `arn:aws:sqs:${REGION}:${ACCOUNT}:dlq-${queueId}`,
      [`${handlerId}.Arn`]: handlerArn,
    },
  };
  for (const [id, name] of Object.entries(stateMachineNames)) {
    deployed.refs[id] = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    deployed.attributes[`${id}.Name`] = name;
  }
  for (const [id] of ofType('AWS::IAM::Role')) deployed.attributes[`${id}.Arn`] = `arn:aws:iam::${ACCOUNT}:role/${id}`;

  for (const [, group] of ofType('AWS::Scheduler::ScheduleGroup')) fake.scheduler.createGroup(group.Properties.Name);
  for (const [, rule] of ofType('AWS::Events::Rule')) {
    fake.eventBridge.putRule(rule.Properties.Name, resolveIntrinsics(rule.Properties.EventPattern, deployed), rule.Properties.State);
  }
  return {
    environment: { ...resolveIntrinsics(handler.Properties.Environment.Variables, deployed), ...fake.environment },
    handlerArn,
    deadLetterQueueUrl,
  };
}
