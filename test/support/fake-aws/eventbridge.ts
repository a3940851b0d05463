import { AwsError } from './aws-error';

export interface FakeRule {
  readonly Name: string;
  readonly Arn: string;
  readonly EventPattern: string;
  State: 'ENABLED' | 'DISABLED';
}

/** EventBridge rules on the default bus, as DescribeRule shows them. */
export class FakeEventBridge {
  readonly rules = new Map<string, FakeRule>();

  putRule(name: string, eventPattern: object, state: FakeRule['State'] = 'ENABLED'): FakeRule {
    const rule = { Name: name, Arn: `arn:aws:events:us-east-1:123456789012:rule/${name}`, EventPattern: JSON.stringify(eventPattern), State: state };
    this.rules.set(name, rule);
    return rule;
  }

  handle(operation: string, input: any): object {
    if (operation !== 'DescribeRule') {
      throw new AwsError('UnknownOperationException', `the fake does not implement ${operation}`, 400, 'com.amazonaws.events');
    }
    const rule = this.rules.get(input.Name);
    if (!rule) throw new AwsError('ResourceNotFoundException', `Rule ${input.Name} does not exist.`, 400, 'com.amazonaws.events');
    return { ...rule, EventBusName: 'default' };
  }
}
