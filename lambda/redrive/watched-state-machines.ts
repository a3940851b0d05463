import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** How long the handler trusts what it read of the rules before it reads them again. */
export const WATCHED_SET_TTL_MS = 5 * 60 * 1000;

/**
 * The watched state machines, read from the event patterns of the construct's own rules, so that
 * the rules stay the one list. A disabled rule watches nothing: disabling the rules pauses
 * AutoRedrive, delayed redrives included.
 */
export class WatchedStateMachines {
  private cached?: { arns: ReadonlySet<string>; readAt: number };
  private reading?: Promise<ReadonlySet<string>>;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly ruleNames: readonly string[],
    private readonly now: () => Date,
  ) {}

  async arns(): Promise<ReadonlySet<string>> {
    if (this.cached && this.now().getTime() - this.cached.readAt < WATCHED_SET_TTL_MS) return this.cached.arns;
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<ReadonlySet<string>> {
    const readAt = this.now().getTime();
    const rules = await Promise.all(this.ruleNames.map((name) => this.client.send(new DescribeRuleCommand({ Name: name }))));
    const arns = new Set<string>();
    for (const rule of rules) {
      if (rule.State !== 'ENABLED') continue;
      const pattern = JSON.parse(rule.EventPattern ?? '{}');
      for (const arn of pattern?.detail?.stateMachineArn ?? []) {
        if (typeof arn === 'string') arns.add(arn);
      }
    }
    this.cached = { arns, readAt };
    return arns;
  }
}
