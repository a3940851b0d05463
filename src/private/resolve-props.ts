import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AutoRedriveProps } from '../auto-redrive-props';
import { handlerPolicy } from './handler-policy';
import { latestNodeRuntime } from './node-runtime';
import { AllSelection, ListSelection, PrefixSelection, Selection } from './selection';
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
  readonly tracing: lambda.Tracing;
  /** Publish outcome events whether or not an on*() method is called. */
  readonly outcomeEvents: boolean;
  readonly detailedMetrics: boolean;
  readonly sweep: Sweep;
}


/**
 * Resolves the selection and the sweep, validates the props with them (throwing one error that
 * lists every problem), then applies the other defaults.
 */
export function resolveProps(scope: Construct, props: AutoRedriveProps): ResolvedProps {
  const selections = selectionsOf(Stack.of(scope), props);
  const sweep = sweepOf(props);
  validateProps(scope, props, selections, sweep);
  const policy = handlerPolicy(props);
  warnWhenBackoffOutlastsLookBack(scope, policy.backoff, sweep);
  return {
    selection: selections[0],
    policy,
    runtime: props.runtime ?? latestNodeRuntime(),
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    maxConcurrency: props.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    metricsNamespace: props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
    alarms: props.alarms ?? true,
    dashboard: props.dashboard ?? false,
    tracing: props.tracing ?? lambda.Tracing.DISABLED,
    outcomeEvents: props.outcomeEvents ?? false,
    detailedMetrics: props.detailedMetrics ?? false,
    sweep,
  };
}

/**
 * The selection each selection prop given makes, in the order stateMachines,
 * stateMachineNamePrefixes, allStateMachines (`allStateMachines: false` makes none): exactly one
 * when the props are valid. The one place the three kinds of selection are told apart.
 */
function selectionsOf(stack: Stack, props: AutoRedriveProps): Selection[] {
  return [
    ...(props.stateMachines !== undefined ? [new ListSelection(stack, props.stateMachines)] : []),
    ...(props.stateMachineNamePrefixes !== undefined ? [new PrefixSelection(stack, props.stateMachineNamePrefixes)] : []),
    ...(props.allStateMachines === true ? [new AllSelection(stack)] : []),
  ];
}

/** The sweep the props ask for: every hour unless told (a sweep that is not a Sweep is a problem validation reports). */
function sweepOf(props: AutoRedriveProps): Sweep {
  return Sweep.isSweep(props.sweep) ? props.sweep : Sweep.every(Duration.hours(1));
}
