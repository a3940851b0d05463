import { AwsError } from './aws-error';
import { matchesPattern } from './event-pattern';

export interface FakeRule {
  readonly Name: string;
  readonly Arn: string;
  readonly EventPattern: string;
  State: 'ENABLED' | 'DISABLED';
  /** Where a matched event goes: each target's ARN. */
  readonly Targets?: { readonly Arn: string }[];
}

export interface PublishedEvent {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: any;
  readonly EventBusName?: string;
  readonly Resources?: string[];
}

/** EventBridge: rules as DescribeRule shows them, and the events PutEvents received. */
export class FakeEventBridge {
  readonly rules = new Map<string, FakeRule>();
  readonly published: PublishedEvent[] = [];
  /** When set, PutEvents answers 200 with every entry failed with this code. */
  rejectEntriesWith?: string;

  putRule(name: string, eventPattern: object, state: FakeRule['State'] = 'ENABLED', targets: { Arn: string }[] = []): FakeRule {
    const rule = { Name: name, Arn: `arn:aws:events:us-east-1:123456789012:rule/${name}`, EventPattern: JSON.stringify(eventPattern), State: state, Targets: targets };
    this.rules.set(name, rule);
    return rule;
  }

  /** The enabled rules whose event pattern matches `event`: where EventBridge would deliver it. */
  matchingRules(event: unknown): FakeRule[] {
    return [...this.rules.values()].filter((rule) => rule.State === 'ENABLED' && matchesPattern(JSON.parse(rule.EventPattern), event));
  }

  handle(operation: string, input: any): object {
    if (operation === 'PutEvents') return this.putEvents(input);
    if (operation !== 'DescribeRule') {
      throw new AwsError('UnknownOperationException', `the fake does not implement ${operation}`, 400, 'com.amazonaws.events');
    }
    const rule = this.rules.get(input.Name);
    if (!rule) throw new AwsError('ResourceNotFoundException', `Rule ${input.Name} does not exist.`, 400, 'com.amazonaws.events');
    return { ...rule, EventBusName: 'default' };
  }

  private putEvents(input: { Entries?: any[] }): object {
    const entries = input.Entries ?? [];
    if (entries.length < 1 || entries.length > 10) throw new AwsError('ValidationException', 'PutEvents takes 1 to 10 entries', 400, 'com.amazonaws.events');
    if (this.rejectEntriesWith) {
      return { FailedEntryCount: entries.length, Entries: entries.map(() => ({ ErrorCode: this.rejectEntriesWith, ErrorMessage: 'rejected by the fake' })) };
    }
    for (const entry of entries) {
      if (typeof entry.Source !== 'string' || entry.Source.startsWith('aws.')) {
        throw new AwsError('ValidationException', 'Source must be set and must not start with aws.', 400, 'com.amazonaws.events');
      }
      this.published.push({ ...entry, Detail: JSON.parse(entry.Detail) });
    }
    return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `fake-event-${this.published.length + i}` })) };
  }
}
