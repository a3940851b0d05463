import { DEFAULT_RATE, DEFAULT_VISIBILITY_TIMEOUT, MAX_RATE } from './options';
import { SLOWEST_RATE } from './plan-and-act';
import { DEFAULT_MAX_REDRIVES, DEFAULT_STATUSES } from '../src/shared/contract';

export const BIN = 'cdk-stepfunctions-redrive';

const EXIT_CODES = `Exit status:
  0    nothing failed (every execution or message was redriven or skipped with a reason)
  1    something failed, AWS could not be used (credentials, Region, access), or you answered no
  2    the command line is wrong (unknown flag, bad value, unknown state machine); nothing was done
  130  stopped with Ctrl-C after the calls in flight; the summary says what was done`;

const AWS = `AWS credentials and Region come from the standard AWS SDK configuration: AWS_PROFILE,
AWS_REGION, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, AWS_ENDPOINT_URL.`;

const POLICY = `  --status <list>           statuses to redrive: FAILED, TIMED_OUT, ABORTED, comma-separated or
                            repeated (default ${DEFAULT_STATUSES.join(',')})
  --error <pattern>         redrive only executions whose error matches (repeatable; exact names or
                            * wildcards: 'Lambda.*', '*Timeout')
  --exclude-error <pattern> never redrive these errors (repeatable). Without --error: every error
                            but these and the ones a redrive cannot fix (States.Runtime, ...)
  --max-redrives <n>        skip executions already redriven n times (default ${DEFAULT_MAX_REDRIVES})
  --rate <n>                redrives per second, ${SLOWEST_RATE} to ${MAX_RATE} (default ${DEFAULT_RATE}); slows down by itself
                            when Step Functions throttles, and retries what was throttled
  --dry-run                 show what would be done; redrive nothing, change nothing
  -y, --yes                 do not ask for confirmation (needed when stdin is not a terminal)
  --json                    print one JSON document on stdout instead of the table and summary;
                            a run that ends on an error prints {"command", "exitCode", "error"}
  -h, --help                this help`;

export const MAIN_HELP = `${BIN}: redrive failed AWS Step Functions Standard executions in bulk, and replay the
dead-letter queue of an AutoRedrive construct. Both take the same checks and the same redrive
path as the construct's handler: a redrive resumes each execution from its point of failure.

Usage:
  ${BIN} redrive --state-machine <name or ARN> [flags]   redrive executions that failed
  ${BIN} replay --queue-url <url> [flags]                bring back what the dead-letter queue holds
  ${BIN} <command> --help                                the command's flags and examples
  ${BIN} --version                                       the version of the CLI

${EXIT_CODES}

${AWS}
`;

export const REDRIVE_HELP = `Usage: ${BIN} redrive --state-machine <name or ARN> [--state-machine ...] [--name-prefix <p>] [flags]

Lists the stopped executions of the state machines (every page), checks each one as the
AutoRedrive handler does (DescribeExecution, then the policy the flags give), shows what it would
do and why, asks, then redrives at --rate. Each redrive uses the token of (execution, redrive
count), so running the command twice redrives nothing new. Ends with
redriven=N skipped=N failed=N (and wouldRedrive=N, what a --dry-run would redrive) and the
counts by reason.

Which executions:
  --state-machine <name|ARN> a state machine (repeatable)
  --name-prefix <prefix>    every Standard state machine whose name starts so (repeatable)
  --since <when>            stopped at or after: a duration before now (30m, 2h, 3d, 1w) or an ISO
                            date (2024-05-01, 2024-05-01T12:00:00Z). Default: 14 days ago, the
                            redrive window
  --until <when>            stopped before (same forms; default now)

What may be redriven:
${POLICY}

Examples:
  # After fixing a bug: see what would be redriven in the last 6 hours, then do it.
  ${BIN} redrive --state-machine orders --since 6h --dry-run
  ${BIN} redrive --state-machine orders --since 6h

  # Only the failures of one Lambda error, for every state machine named payments-*, no questions.
  ${BIN} redrive --name-prefix payments- --error 'Lambda.ServiceException' --yes

  # In a script: timed-out executions of a state machine by ARN, as JSON.
  ${BIN} redrive --state-machine arn:aws:states:eu-west-1:123456789012:stateMachine:orders \\
    --status TIMED_OUT --since 2024-05-01 --yes --json > redrive.json

${EXIT_CODES}

${AWS}
`;

export const REPLAY_HELP = `Usage: ${BIN} replay --queue-url <url> [flags]

Reads the dead-letter queue of an AutoRedrive construct and understands every kind of message in
it: an intake queue message the handler failed on each of its receives (INTAKE), an event
EventBridge or EventBridge Scheduler could not deliver (UNDELIVERED_EVENT, with ERROR_CODE and
ERROR_MESSAGE attributes), the handler's own message (HANDLER: a bad event, a rejected redrive),
and a sweep run that could not run or finish (SWEEP: sent back to the intake queue, to run again). Each failure takes
the same checks and redrive path as the handler. A message is deleted only when it is done:
redriven, or its execution can never be redriven under the construct's own policy (redriven or
running since, succeeded, redrive window closed, a Map Run child, or exhausted at the maxRedrives
its dead-letter queue's tag says). Flags that narrow the run only keep messages: every other
message stays in the queue, visible again at the end, with the reason printed; a message it does
not understand is never deleted. Nothing is redriven or deleted before you answer yes (or --yes).

  --queue-url <url>         the dead-letter queue (required)
  --max <n>                 read at most n messages (default: all of them)
  --visibility-timeout <s>  seconds the messages read stay hidden from other readers while the
                            command runs, 30 to 43200 (default ${DEFAULT_VISIBILITY_TIMEOUT})
${POLICY}

Examples:
  # See what replay would do; nothing is redriven or deleted.
  ${BIN} replay --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/orders-redrive-dlq --dry-run

  # Replay the first 50 messages without a question.
  ${BIN} replay --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/orders-redrive-dlq --max 50 --yes

${EXIT_CODES}

${AWS}
`;
