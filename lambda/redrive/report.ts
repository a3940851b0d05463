import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { errorMessage, errorName } from '../../core/aws-errors';
import { loadOnce } from '../../core/load-once';
import { MAX_CAUSE_LENGTH, Outcome, truncate } from '../../core/outcome';
import type { ExecutionFacts, RedriveRequest } from '../../core/request';
import {
  DeadLetterReason, LIBRARY_SOURCE, MetricName, OutcomeDetail, OutcomeDetailType, OutcomeKind, ScheduleReason, SkipReason,
} from '../../src/shared/contract';

export interface ReporterDependencies {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly events: () => EventBridgeClient;
  readonly eventBusName: string;
  /** The construct's unique name. */
  readonly name: string;
  /** Publish an outcome event per decision; off unless the construct knows they are wanted. */
  readonly outcomeEvents: boolean;
  /** Metrics per state machine and per skip reason too, not only per construct. */
  readonly detailedMetrics: boolean;
}

/** Loaded when first used: outcome events are often off. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eventBridge = loadOnce(() => require('./eventbridge') as typeof import('./eventbridge'));

/** What the reporter knows of a trigger as the handler learns it; every field is optional until learned. */
type Known = Partial<Pick<OutcomeDetail, 'eventId' | 'executionArn' | 'stateMachineArn' | 'redriveCount' | 'error' | 'cause' | 'trigger'>>;

const LOG_MESSAGES: Record<Outcome['outcome'], string> = {
  REDRIVEN: 'execution redriven',
  SCHEDULED: 'redrive scheduled',
  SKIPPED: 'redrive skipped',
  FAILED: 'event sent to the dead-letter queue',
};

/**
 * Tells the world what the handler did with one trigger: one log line, its metrics, one outcome
 * event; never the execution's input or output. The Logger carries the Lambda context and the keys
 * learned so far, so every line of an invocation says what it is about.
 */
export class Reporter {
  constructor(private readonly deps: ReporterDependencies) {}

  /** Starts the report of one invocation: the Lambda context, and no keys left from the last one. */
  begin(context?: object): InvocationReport {
    this.deps.logger.resetKeys();
    if (context) this.deps.logger.addContext(context as never);
    return new InvocationReport(this.deps);
  }
}

/**
 * The report of one trigger. Its keys go on each of its own log lines rather than on the shared
 * Logger: the messages of a batch are handled concurrently.
 */
export class InvocationReport {
  private known: Known = {};
  private keys: Record<string, unknown> = {};

  constructor(private readonly deps: ReporterDependencies) {}

  /** Keys learned about the trigger: added to every later log line of this report and kept for the outcome event. */
  learn(keys: Record<string, unknown>): void {
    const defined = Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined));
    this.known = { ...this.known, ...defined };
    this.keys = { ...this.keys, ...bounded(defined) };
  }

  /** What DescribeExecution said of the execution; its redrive count beside the trigger's when the trigger gave one. */
  learnLooked(request: RedriveRequest, looked: ExecutionFacts): void {
    this.learn({
      checked: 'DescribeExecution',
      status: looked.status,
      ...(request.redriveCount === undefined ? { redriveCount: looked.redriveCount } : { executionRedriveCount: looked.redriveCount }),
      error: looked.error,
      cause: looked.cause,
    });
  }

  async outcome(outcome: Outcome, abortSignal: AbortSignal): Promise<void> {
    const kind = outcomeKind(outcome);
    const { outcome: name, ...facts } = outcome;
    const line = bounded({ outcome: name, ...facts, redrive: kind === 'REDRIVEN' });
    if (name === 'FAILED') this.deps.logger.error(LOG_MESSAGES[name], { ...this.keys, ...line });
    else this.deps.logger.info(LOG_MESSAGES[name], { ...this.keys, ...line });

    const reason = 'reason' in outcome ? outcome.reason : undefined;
    this.count(metricsOf(outcome), reason);
    await this.publish(kind, {
      reason,
      detail: outcome.outcome === 'SKIPPED' ? outcome.detail : outcome.outcome === 'FAILED' ? outcome.error : undefined,
      ...(outcome.outcome === 'SCHEDULED'
        ? { delaySeconds: outcome.delaySeconds, redriveAt: outcome.redriveAt, scheduleReason: outcome.scheduleReason }
        : {}),
      ...(outcome.outcome === 'REDRIVEN' ? { redriveDate: outcome.redriveDate } : {}),
      ...(kind === 'FAILED' ? { final: true } : {}),
    }, abortSignal);
  }

  /**
   * An error a trigger failed with: its message returns to the intake queue, is received again after
   * the visibility timeout and, after its receives, moves to the dead-letter queue. Or, with another
   * `logMessage`, an error one sweep candidate ended with: the next sweep finds it again.
   */
  async failure(error: unknown, abortSignal: AbortSignal, logMessage = 'trigger failed; its message returns to the intake queue and is retried'): Promise<void> {
    const name = errorName(error);
    const message = truncate(errorMessage(error), MAX_CAUSE_LENGTH);
    this.deps.logger.error(logMessage, bounded({
      ...this.keys,
      outcome: 'FAILED',
      failure: name,
      failureMessage: message,
    }));
    this.count([MetricName.FAILED], undefined);
    await this.publish('FAILED', { reason: name, detail: message, final: false }, abortSignal);
  }

  /** A log line that is not a decision: the summary of a sweep invocation. */
  note(message: string, attributes: Record<string, unknown>, level: 'info' | 'warn' = 'info'): void {
    this.deps.logger[level](message, { ...this.keys, ...bounded(attributes) });
  }

  private count(metricNames: string[], reason: string | undefined): void {
    const stateMachine = this.deps.detailedMetrics ? this.known.stateMachineArn?.split(':')[6] : undefined;
    for (const metricName of metricNames) {
      // One record per group of dimension sets that share no key: Powertools warns about shared keys.
      const groups: Record<string, string>[][] = [[{}, ...(stateMachine ? [{ StateMachine: stateMachine }] : [])]];
      if (this.deps.detailedMetrics && metricName === MetricName.SKIPPED && reason) {
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

  private async publish(kind: OutcomeKind, facts: Partial<OutcomeDetail>, abortSignal: AbortSignal): Promise<void> {
    if (!this.deps.outcomeEvents) return;
    const detail: OutcomeDetail = {
      autoRedrive: this.deps.name,
      outcome: kind,
      eventId: this.known.eventId ?? '(none)',
      executionArn: this.known.executionArn,
      stateMachineArn: this.known.stateMachineArn,
      redriveCount: this.known.redriveCount,
      error: this.known.error,
      cause: this.known.cause,
      trigger: this.known.trigger,
      ...facts,
    };
    try {
      await eventBridge().putEvent(this.deps.events(), {
        Source: LIBRARY_SOURCE,
        DetailType: OutcomeDetailType[kind],
        Detail: JSON.stringify(bounded(detail)),
        EventBusName: this.deps.eventBusName,
        Resources: this.known.executionArn ? [this.known.executionArn] : [],
      }, abortSignal);
    } catch (error) {
      this.deps.logger.warn('outcome event not published; the decision stands', bounded({
        ...this.keys,
        outcomeEvent: OutcomeDetailType[kind],
        failure: errorName(error),
        failureMessage: errorMessage(error),
      }));
      this.deps.metrics.singleMetric().addMetric(MetricName.OUTCOME_EVENT_FAILURES, MetricUnit.Count, 1);
    }
  }
}

function outcomeKind(outcome: Outcome): OutcomeKind {
  switch (outcome.outcome) {
    case 'REDRIVEN':
      return 'REDRIVEN';
    case 'SCHEDULED':
      return 'SCHEDULED';
    case 'SKIPPED':
      return outcome.reason === SkipReason.EXHAUSTED ? 'EXHAUSTED' : 'SKIPPED';
    case 'FAILED':
      return 'FAILED';
  }
}

function metricsOf(outcome: Outcome): string[] {
  switch (outcome.outcome) {
    case 'REDRIVEN':
      return [MetricName.REDRIVEN];
    case 'SCHEDULED':
      return [outcome.scheduleReason === ScheduleReason.THROTTLED ? MetricName.PUT_OFF : MetricName.SCHEDULED];
    case 'SKIPPED':
      return outcome.reason === SkipReason.EXHAUSTED ? [MetricName.SKIPPED, MetricName.EXHAUSTED] : [MetricName.SKIPPED];
    case 'FAILED':
      return [outcome.reason === DeadLetterReason.BAD_EVENT ? MetricName.BAD_EVENTS : MetricName.FAILED];
  }
}

/** Every text cut to 256 characters, so that no field of a hostile event can make a log line or an event large. */
function bounded<T extends object>(attributes: T): T {
  return Object.fromEntries(Object.entries(attributes).map(([key, value]) =>
    [key, typeof value === 'string' ? truncate(value, MAX_CAUSE_LENGTH) : value])) as T;
}
