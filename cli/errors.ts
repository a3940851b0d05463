/** Exit statuses: documented in --help and docs/cli.md. */
export const ExitCode = {
  /** Everything done: redriven or skipped with a reason, nothing failed. */
  OK: 0,
  /** Something failed (an execution or a message could not be handled), AWS could not be used, or the operator said no. */
  FAILED: 1,
  /** The command line is wrong: an unknown flag, a bad value, a state machine that does not exist. Nothing was done. */
  USAGE: 2,
  /** Stopped by Ctrl-C after the calls in flight; the summary says what was done. */
  INTERRUPTED: 130,
} as const;

/** A mistake in the command line: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure that stops the command before it acts, with a message for a person: exit status 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

const CREDENTIALS = new Set(['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired',
  'UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch']);

/**
 * A sentence for an error an AWS call ended with, for the errors a person can act on: no
 * credentials or Region, credentials refused, access denied; otherwise the error's name and message.
 */
export function describeAwsError(error: unknown): string {
  const name = (error as Error)?.name ?? 'Error';
  const message = (error as Error)?.message ?? String(error);
  if (CREDENTIALS.has(name) || /Could not load credentials/i.test(message)) {
    return `no usable AWS credentials (${name}: ${message}). Set AWS_PROFILE (and run \`aws sso login\` if it uses IAM Identity Center), ` +
      'or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as for the AWS CLI.';
  }
  if (/Region is missing/i.test(message)) {
    return 'no AWS Region: set AWS_REGION (or a region in your AWS profile), as for the AWS CLI.';
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return `access denied (${message}). See the IAM permissions the CLI needs in docs/cli.md.`;
  }
  return `${name}: ${message}`;
}
