import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AutoRedriveProps } from '../auto-redrive-props';
import { handlerPolicy } from './handler-policy';
import { latestNodeRuntime } from './node-runtime';
import { Selection, selectionOf } from './selection';
import { validateProps, warnWhenBackoffOutlastsLookBack } from './validate-props';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_METRICS_NAMESPACE, HandlerPolicy } from '../shared/contract';
import { Sweep } from '../sweep';

/** AutoRedriveProps checked, with every default applied. */
export interface ResolvedProps {
  /** Which state machines are watched. */
  readonly selection: Selection;
  readonly policy: HandlerPolicy;
  readonly runtime: lambda.Runtime;
  readonly reservedConcurrentExecutions?: number;
  readonly maxConcurrency: number;
  readonly logRetention: logs.RetentionDays;
  readonly metricsNamespace: string;
  readonly alarms: boolean;
  readonly dashboard: boolean;
  readonly tracing: boolean;
  /** Publish outcome events whether or not an on*() method is called. */
  readonly outcomeEvents: boolean;
  readonly detailedMetrics: boolean;
  readonly sweep: Sweep;
}


/** Validates the props (throwing one error that lists every problem), then applies the defaults. */
export function resolveProps(scope: Construct, props: AutoRedriveProps): ResolvedProps {
  validateProps(scope, props);
  const policy = handlerPolicy(props);
  const sweep = sweepOf(props);
  warnWhenBackoffOutlastsLookBack(scope, policy.backoff, sweep);
  return {
    selection: selectionOf(props),
    policy,
    runtime: props.runtime ?? latestNodeRuntime(),
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    maxConcurrency: props.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    metricsNamespace: props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
    alarms: props.alarms ?? true,
    dashboard: props.dashboard ?? false,
    tracing: props.tracing ?? false,
    outcomeEvents: props.outcomeEvents ?? false,
    detailedMetrics: props.detailedMetrics ?? false,
    sweep,
  };
}

/** The sweep the props ask for: every hour unless told. */
export function sweepOf(props: AutoRedriveProps): Sweep {
  return props.sweep ?? Sweep.every(Duration.hours(1));
}
