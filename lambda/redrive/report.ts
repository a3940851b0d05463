import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DecisionLogger, MAX_CAUSE_LENGTH, Outcome, Subject, truncate } from './outcome';
import {
  DeadLetterReason, LIBRARY_SOURCE, MetricName, OutcomeDetail, OutcomeDetailType, OutcomeKind, SkipReason,
} from '../../src/shared/contract';

export interface ReporterDependencies {
  readonly logger: DecisionLogger;
  /** A Metrics instance per invocation: its dimensions are cleared when published. */
  readonly metrics: Metrics;
  readonly events: EventBridgeClient;
  readonly eventBusName: string;
  /** The construct's unique name. */
  readonly name: string;
}

const LOG_MESSAGES: Record<Outcome['outcome'], string> = {
  REDRIVEN: 'execution redriven',
  SCHEDULED: 'redrive scheduled',
  SKIPPED: 'redrive skipped',
  DEAD_LETTERED: 'event sent to the dead-letter queue',
};

/**
 * Tells the world what the handler did with one event: one log line, its metrics, one outcome
 * event; never the execution's input or output. Publishing can fail without undoing anything: the redrive has happened, so a failed
 * PutEvents is logged and counted, never thrown.
 */
export class Reporter {
  constructor(private readonly deps: ReporterDependencies) {}

  async outcome(outcome: Outcome, subject: Subject): Promise<void> {
    const kind = outcomeKind(outcome);
    const { outcome: _, ...facts } = outcome;
    const logged = bounded({ ...subject, outcome: outcome.outcome, ...facts, redrive: kind === 'STARTED' });
    if (outcome.outcome === 'DEAD_LETTERED') this.deps.logger.error(LOG_MESSAGES[outcome.outcome], logged);
    else this.deps.logger.info(LOG_MESSAGES[outcome.outcome], logged);

    const reason = 'reason' in outcome ? outcome.reason : undefined;
    this.count(metricsOf(outcome), subject, reason);
    await this.publish(kind, subject, {
      reason,
      detail: outcome.outcome === 'SKIPPED' ? outcome.detail : outcome.outcome === 'DEAD_LETTERED' ? outcome.error : undefined,
      ...(outcome.outcome === 'SCHEDULED' ? { delaySeconds: outcome.delaySeconds, redriveAt: outcome.redriveAt } : {}),
      ...(outcome.outcome === 'REDRIVEN' ? { redriveDate: outcome.redriveDate } : {}),
      ...(kind === 'FAILED' ? { final: true } : {}),
    });
  }

  /** An error the invocation fails with: Lambda retries it, then keeps it in the dead-letter queue. */
  async failure(error: unknown, subject: Subject): Promise<void> {
    const name = (error as Error)?.name ?? 'Error';
    const message = truncate((error as Error)?.message ?? String(error), MAX_CAUSE_LENGTH);
    this.deps.logger.error('invocation failed; Lambda retries it, then keeps it in the dead-letter queue', bounded({
      ...subject, outcome: 'FAILED', failure: name, failureMessage: message,
    }));
    this.count([MetricName.FAILURES], subject, undefined);
    await this.publish('FAILED', subject, { reason: name, detail: message, final: false });
  }

  private count(metricNames: string[], subject: Subject, reason: string | undefined): void {
    const stateMachine = subject.stateMachineArn?.split(':')[6];
    for (const metricName of metricNames) {
      // One record per group of dimension sets that share no key: Powertools warns about shared keys.
      const groups: Record<string, string>[][] = [[{}, ...(stateMachine ? [{ StateMachine: stateMachine }] : [])]];
      if (metricName === MetricName.SKIPPED && reason) {
        groups.push([{ Reason: reason }]);
        if (stateMachine) groups.push([{ StateMachine: stateMachine, Reason: reason }]);
      }
      for (const dimensionSets of groups) {
        const metrics = this.deps.metrics.singleMetric();
        for (const dimensions of dimensionSets) metrics.addDimensions(dimensions);
        metrics.addMetric(metricName, MetricUnit.Count, 1);
      }
    }
  }

  private async publish(kind: OutcomeKind, subject: Subject, facts: Partial<OutcomeDetail>): Promise<void> {
    const detail: OutcomeDetail = {
      autoRedrive: this.deps.name,
      outcome: kind,
      eventId: subject.eventId,
      executionArn: subject.executionArn,
      stateMachineArn: subject.stateMachineArn,
      redriveCount: subject.redriveCount,
      error: subject.error,
      cause: subject.cause,
      ...facts,
    };
    try {
      const result = await this.deps.events.send(new PutEventsCommand({
        Entries: [{
          Source: LIBRARY_SOURCE,
          DetailType: OutcomeDetailType[kind],
          Detail: JSON.stringify(bounded(detail)),
          EventBusName: this.deps.eventBusName,
          Resources: subject.executionArn ? [subject.executionArn] : [],
        }],
      }));
      if (result.FailedEntryCount) {
        const [entry] = result.Entries ?? [];
        throw Object.assign(new Error(entry?.ErrorMessage ?? 'PutEvents rejected the entry'), { name: entry?.ErrorCode ?? 'FailedEntry' });
      }
    } catch (error) {
      this.deps.logger.warn('outcome event not published; the decision stands', bounded({
        ...subject, outcomeEvent: OutcomeDetailType[kind], failure: (error as Error)?.name, failureMessage: (error as Error)?.message,
      }));
      const metrics = this.deps.metrics.singleMetric();
      metrics.addMetric(MetricName.OUTCOME_EVENT_FAILURES, MetricUnit.Count, 1);
    }
  }
}

function outcomeKind(outcome: Outcome): OutcomeKind {
  switch (outcome.outcome) {
    case 'REDRIVEN':
      return 'STARTED';
    case 'SCHEDULED':
      return 'SCHEDULED';
    case 'SKIPPED':
      return outcome.reason === SkipReason.EXHAUSTED ? 'EXHAUSTED' : 'SKIPPED';
    case 'DEAD_LETTERED':
      return 'FAILED';
  }
}

function metricsOf(outcome: Outcome): string[] {
  switch (outcome.outcome) {
    case 'REDRIVEN':
      return [MetricName.STARTED];
    case 'SCHEDULED':
      return [MetricName.SCHEDULED];
    case 'SKIPPED':
      return outcome.reason === SkipReason.EXHAUSTED ? [MetricName.SKIPPED, MetricName.EXHAUSTED] : [MetricName.SKIPPED];
    case 'DEAD_LETTERED':
      return [outcome.reason === DeadLetterReason.BAD_EVENT ? MetricName.BAD_EVENTS : MetricName.FAILURES];
  }
}

/** Every text cut to 256 characters, so that no field of a hostile event can make a log line or an event large. */
function bounded<T extends object>(attributes: T): T {
  return Object.fromEntries(Object.entries(attributes).map(([key, value]) =>
    [key, typeof value === 'string' ? truncate(value, MAX_CAUSE_LENGTH) : value])) as T;
}
