import { Duration } from 'aws-cdk-lib';
import { AutoRedriveProps } from '../auto-redrive-props';
import { Backoff } from '../backoff';
import { ErrorFilter } from '../error-filter';
import { RedrivableStatus } from '../redrivable-status';
import { HandlerPolicy } from '../shared/contract';

const DEFAULT_MAX_REDRIVES = 3;
const DEFAULT_STATUSES = [RedrivableStatus.FAILED, RedrivableStatus.TIMED_OUT];
const defaultErrorFilter = () => ErrorFilter.allExceptUnfixable();
const defaultBackoff = () => Backoff.exponential({ initialDelay: Duration.minutes(1), maxDelay: Duration.hours(1) });

/** The policy the handler applies, from the props with their defaults. The props are already validated. */
export function handlerPolicy(props: AutoRedriveProps): HandlerPolicy {
  return {
    maxRedrives: props.maxRedrives ?? DEFAULT_MAX_REDRIVES,
    statuses: [...new Set((props.statuses ?? DEFAULT_STATUSES).map((status) => status.value))],
    errorFilter: (props.errorFilter ?? defaultErrorFilter())._toSpec(),
    backoff: (props.backoff ?? defaultBackoff())._toSpec(),
    dryRun: props.dryRun ?? false,
  };
}
