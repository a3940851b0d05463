/**
 * Step Functions errors that a redrive cannot fix: the failed state runs again with the same input
 * and the same definition, so it fails again in the same way. Denied by default, by the construct
 * (`ErrorFilter.allExceptUnfixable()`) and by the CLI.
 */
export const ERRORS_REDRIVE_CANNOT_FIX: readonly string[] = [
  'States.Runtime',
  'States.DataLimitExceeded',
  'States.NoChoiceMatched',
  'States.ParameterPathFailure',
  'States.ResultPathMatchFailure',
  'States.IntrinsicFailure',
  'States.QueryEvaluationError',
];
