import { DeployedValues, resolveIntrinsics } from './cfn-intrinsics';
import { ACCOUNT, REGION } from './events';
import { PolicyStatement } from './fake-aws/iam';
import { FakeSchedule } from './fake-aws/scheduler';
import { FakeAws } from './fake-aws/server';

export interface FakeDeployment {
  /** The handler's environment as Lambda would give it, pointed at the fake. */
  readonly environment: Record<string, string>;
  readonly handlerArn: string;
  /** The URL of the dead-letter queue the handler's environment names ('' when the template has no queue). */
  readonly deadLetterQueueUrl: string;
  /** The ARN of the handler's role, when the template has it. */
  readonly handlerRoleArn?: string;
  /** Every statement of the policies attached to the handler's role, resolved, as loaded into `fake.iam`. */
  readonly policyStatements: PolicyStatement[];
  /** The intake queue and its event source mapping, when the template has them. */
  readonly intake?: IntakeDeployment;
  /** The URL of a queue the template deployed, by its ARN (a rule's or a schedule's target). */
  queueUrlOf(queueArn: string): string | undefined;
  /** EventBridge: the event goes to the target queue of every deployed rule that matches it. Returns how many matched. */
  publish(event: unknown): number;
  /** EventBridge Scheduler: every due schedule sends its Input to its target queue. Returns the schedules that fired. */
  sendDueSchedules(): FakeSchedule[];
}

/** The intake queue as deployed, and how the event source mapping feeds the handler from it. */
export interface IntakeDeployment {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly batchSize: number;
  readonly maxConcurrency: number;
  readonly visibilityTimeoutSeconds: number;
}

type Resources = Record<string, { Type: string; Properties?: any }>;

/**
 * "Deploys" the AutoRedrive in a synthesized template to the fake: its rules with their resolved
 * event patterns, its schedule groups and its queues, and resolves the handler's environment.
 * Every statement of the IAM policies attached to the handler's role (AWS::IAM::Policy,
 * AWS::IAM::ManagedPolicy, the role's inline policies) is loaded into `fake.iam`, so calls the
 * role does not allow are denied. State machines get the given names; state machines the
 * template imports are ARNs already.
 */
export function deployToFake(template: any, fake: FakeAws, stateMachineNames: Record<string, string>): FakeDeployment {
  const resources: Resources = template.Resources ?? {};
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const handlerEntry = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('AutoRedriveHandler'));
  if (!handlerEntry) throw new Error('the template has no Lambda function whose logical id starts with AutoRedriveHandler');
  const [handlerId, handler] = handlerEntry;

  const deployed: DeployedValues = {
    refs: { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com', 'AWS::NoValue': '' },
    attributes: {},
  };
  const queueUrls: string[] = [];
  const queueUrlsByArn = new Map<string, string>();
  for (const [id, resource] of Object.entries(resources)) {
    const deployedValue = deployResource(id, resource, fake, stateMachineNames);
    deployed.refs[id] = deployedValue.ref;
    for (const [attribute, value] of Object.entries(deployedValue.attributes)) deployed.attributes[`${id}.${attribute}`] = value;
    if (resource.Type === 'AWS::SQS::Queue') {
      queueUrls.push(deployedValue.ref);
      queueUrlsByArn.set(deployedValue.attributes.Arn!, deployedValue.ref);
    }
  }
  for (const [id, queue] of ofType('AWS::SQS::Queue')) {
    const tags: { Key: string; Value: string }[] = resolveIntrinsics(queue.Properties?.Tags ?? [], deployed);
    fake.sqs.tag(deployed.refs[id], Object.fromEntries(tags.map(({ Key, Value }) => [Key, Value])));
    const redrivePolicy = resolveIntrinsics(queue.Properties?.RedrivePolicy, deployed);
    fake.sqs.configure(deployed.refs[id], {
      visibilityTimeoutSeconds: queue.Properties?.VisibilityTimeout ?? 30,
      ...(redrivePolicy ? {
        redrive: { deadLetterQueueUrl: queueUrlsByArn.get(redrivePolicy.deadLetterTargetArn)!, maxReceiveCount: redrivePolicy.maxReceiveCount },
      } : {}),
    });
  }
  for (const [id, name] of Object.entries(stateMachineNames)) {
    deployed.refs[id] ??= `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    deployed.attributes[`${id}.Name`] ??= name;
  }

  for (const [id, rule] of ofType('AWS::Events::Rule')) {
    const properties = rule.Properties ?? {};
    if (properties.EventPattern === undefined) continue; // a scheduled rule
    const targets = resolveIntrinsics(properties.Targets ?? [], deployed).map((target: any) => ({ Arn: target.Arn }));
    fake.eventBridge.putRule(nameOf(properties.Name, id), resolveIntrinsics(properties.EventPattern, deployed), properties.State, targets);
  }

  const handlerEnvironment: Record<string, string> = resolveIntrinsics(handler.Properties?.Environment?.Variables ?? {}, deployed);
  const roleId = handlerRoleId(handler, resources);
  const policyStatements = roleId === undefined ? [] : statementsOf(roleId, resources, deployed);
  if (roleId !== undefined) fake.iam.allow(policyStatements);

  const queueTarget = (targetArn: string) => {
    const url = queueUrlsByArn.get(targetArn);
    if (!url) throw new Error(`a target that is not a queue of the template: ${targetArn}`);
    return url;
  };
  const mapping = ofType('AWS::Lambda::EventSourceMapping').map(([, resource]) => resolveIntrinsics(resource.Properties, deployed))
    .find((properties) => properties.FunctionName === deployed.refs[handlerId]);
  const intakeUrl = mapping && queueUrlsByArn.get(mapping.EventSourceArn);
  const intakeQueue = intakeUrl ? ofType('AWS::SQS::Queue').find(([id]) => deployed.refs[id] === intakeUrl)![1] : undefined;

  return {
    environment: { ...handlerEnvironment, ...fake.environment },
    ...(mapping && intakeUrl ? {
      intake: {
        queueUrl: intakeUrl,
        queueArn: mapping.EventSourceArn,
        batchSize: mapping.BatchSize ?? 10,
        maxConcurrency: mapping.ScalingConfig?.MaximumConcurrency ?? 1000,
        visibilityTimeoutSeconds: intakeQueue?.Properties?.VisibilityTimeout ?? 30,
      },
    } : {}),
    queueUrlOf: (queueArn: string) => queueUrlsByArn.get(queueArn),
    publish: (event: unknown) => {
      const rules = fake.eventBridge.matchingRules(event);
      for (const rule of rules) for (const target of rule.Targets ?? []) fake.sqs.putMessage(queueTarget(target.Arn), event as object);
      return rules.length;
    },
    sendDueSchedules: () => {
      const due = fake.scheduler.takeDue();
      for (const schedule of due) fake.sqs.putMessage(queueTarget(schedule.Target.Arn), schedule.Target.Input!);
      return due;
    },
    handlerArn: deployed.attributes[`${handlerId}.Arn`],
    deadLetterQueueUrl: queueUrls.find((url) => Object.values(handlerEnvironment).includes(url)) ?? queueUrls[0] ?? '',
    handlerRoleArn: roleId === undefined ? undefined : deployed.attributes[`${roleId}.Arn`],
    policyStatements,
  };
}

/** What `Ref` and `Fn::GetAtt` give for a resource, creating what the fake keeps (queues, groups). */
function deployResource(id: string, resource: Resources[string], fake: FakeAws, stateMachineNames: Record<string, string>) {
  const properties = resource.Properties ?? {};
  const arn = (service: string, resourcePart: string, region = REGION) => `arn:aws:${service}:${region}:${ACCOUNT}:${resourcePart}`;
  switch (resource.Type) {
    case 'AWS::SQS::Queue': {
      const name = nameOf(properties.QueueName, `dlq-${id}`);
      const url = fake.createQueue(name);
      return { ref: url, attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: url } };
    }
    case 'AWS::Lambda::Function': {
      const name = nameOf(properties.FunctionName, id);
      return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
    }
    case 'AWS::IAM::Role': {
      const name = nameOf(properties.RoleName, id);
      return { ref: name, attributes: { Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, RoleId: `AROA${id.toUpperCase()}` } };
    }
    case 'AWS::IAM::ManagedPolicy':
      return { ref: `arn:aws:iam::${ACCOUNT}:policy/${nameOf(properties.ManagedPolicyName, id)}`, attributes: {} };
    case 'AWS::StepFunctions::StateMachine': {
      const name = stateMachineNames[id] ?? nameOf(properties.StateMachineName, id);
      return { ref: arn('states', `stateMachine:${name}`), attributes: { Name: name, Arn: arn('states', `stateMachine:${name}`) } };
    }
    case 'AWS::Scheduler::ScheduleGroup': {
      const name = nameOf(properties.Name, id);
      fake.scheduler.createGroup(name);
      return { ref: name, attributes: { Arn: arn('scheduler', `schedule-group/${name}`) } };
    }
    case 'AWS::Events::Rule': {
      const name = nameOf(properties.Name, id);
      const bus = typeof properties.EventBusName === 'string' && properties.EventBusName !== 'default' ? `${properties.EventBusName}/` : '';
      return { ref: name, attributes: { Arn: arn('events', `rule/${bus}${name}`) } };
    }
    case 'AWS::Events::EventBus': {
      const name = nameOf(properties.Name, id);
      return { ref: name, attributes: { Arn: arn('events', `event-bus/${name}`), Name: name } };
    }
    case 'AWS::Logs::LogGroup': {
      const name = nameOf(properties.LogGroupName, id);
      return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
    }
    case 'AWS::KMS::Key':
      return { ref: id, attributes: { Arn: arn('kms', `key/${id}`), KeyId: id } };
    case 'AWS::SNS::Topic': {
      const name = nameOf(properties.TopicName, id);
      return { ref: arn('sns', name), attributes: { TopicArn: arn('sns', name), TopicName: name } };
    }
    default: {
      const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
      return { ref: id, attributes: { Arn: arn(service, id) } };
    }
  }
}

/** The handler's role: the one its Role property points at (Fn::GetAtt, or an ARN), else AutoRedriveHandlerRole*. */
function handlerRoleId(handler: Resources[string], resources: Resources): string | undefined {
  const role = handler.Properties?.Role;
  const getAtt = role?.['Fn::GetAtt'];
  const referenced = Array.isArray(getAtt) ? getAtt[0] : typeof getAtt === 'string' ? getAtt.split('.')[0] : undefined;
  if (typeof referenced === 'string' && resources[referenced]?.Type === 'AWS::IAM::Role') return referenced;
  const roles = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::IAM::Role');
  if (typeof role === 'string') {
    const byArn = roles.find(([id, resource]) => role.endsWith(`:role/${nameOf(resource.Properties?.RoleName, id)}`));
    if (byArn) return byArn[0];
  }
  return roles.find(([id]) => id.startsWith('AutoRedriveHandlerRole'))?.[0];
}

/** Every statement of every policy attached to the role, resolved with the deployed values. */
function statementsOf(roleId: string, resources: Resources, deployed: DeployedValues): PolicyStatement[] {
  const role = resources[roleId].Properties ?? {};
  const attachedToRole = (roles: unknown) => Array.isArray(roles) && roles.some((entry) =>
    entry?.Ref === roleId || entry === deployed.refs[roleId]);
  const managedPolicyArns: string[] = resolveIntrinsics(role.ManagedPolicyArns ?? [], deployed);
  const documents: unknown[] = [];
  for (const policy of role.Policies ?? []) documents.push(policy.PolicyDocument);
  for (const [id, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy' && attachedToRole(properties.Roles)) documents.push(properties.PolicyDocument);
    if (resource.Type === 'AWS::IAM::ManagedPolicy' && (attachedToRole(properties.Roles) || managedPolicyArns.includes(deployed.refs[id]))) {
      documents.push(properties.PolicyDocument);
    }
  }
  // AWS managed policies (arn:aws:iam::aws:policy/...) are not in the template: their statements are not loaded.
  return documents.flatMap((document) => {
    const statements = (resolveIntrinsics(document, deployed) as { Statement?: PolicyStatement | PolicyStatement[] })?.Statement ?? [];
    return Array.isArray(statements) ? statements : [statements];
  });
}

/** A physical name given as a plain string, else the logical id (as CloudFormation would generate one). */
function nameOf(name: unknown, fallback: string): string {
  return typeof name === 'string' && name !== '' ? name : fallback;
}
