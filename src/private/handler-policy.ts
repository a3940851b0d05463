import { Duration } from 'aws-cdk-lib';
import { AutoRedriveProps } from '../auto-redrive-props';
import { Backoff } from '../backoff';
import { ErrorFilter } from '../error-filter';
import { DEFAULT_MAX_REDRIVES, DEFAULT_STATUSES, HandlerPolicy } from '../shared/contract';

const defaultErrorFilter = () => ErrorFilter.allExceptUnfixable();
const defaultBackoff = () => Backoff.exponential({ initialDelay: Duration.minutes(1), maxDelay: Duration.hours(1) });

/** The policy the handler applies, from the props with their defaults. The props are already validated. */
export function handlerPolicy(props: AutoRedriveProps): HandlerPolicy {
  return {
    maxRedrives: props.maxRedrives ?? DEFAULT_MAX_REDRIVES,
    statuses: props.statuses ? [...new Set(props.statuses.map((status) => status.value))] : [...DEFAULT_STATUSES],
    errorFilter: (props.errorFilter ?? defaultErrorFilter())._toSpec(),
    backoff: (props.backoff ?? defaultBackoff())._toSpec(),
    dryRun: props.dryRun ?? false,
  };
}
