import { parseArgs, ParseArgsConfig } from 'util';
import { UsageError } from './errors';
import { SLOWEST_RATE } from './plan-and-act';
import { DEFAULT_MAX_REDRIVES, DEFAULT_STATUSES, ErrorFilterSpec, HandlerPolicy, REDRIVABLE_STATUSES } from '../src/shared/contract';
import { errorPatternProblem } from '../src/shared/error-pattern';
import { MAX_REDRIVES_LIMIT, REDRIVE_WINDOW_MS } from '../src/shared/limits';
import { nameProblem } from '../src/shared/names';
import { ERRORS_REDRIVE_CANNOT_FIX } from '../src/shared/unfixable-errors';

/** Redrives per second: far under RedriveExecution's refill (150 to 300 a second) and DescribeExecution's (10 to 15). */
export const DEFAULT_RATE = 5;
export const MAX_RATE = 100;
/** How long replay keeps the messages it has read hidden from other readers, in seconds. */
export const DEFAULT_VISIBILITY_TIMEOUT = 900;

/** The flags both commands take to say what may be redriven: the policy, as the construct's props say it. */
export interface PolicyOptions {
  readonly statuses: string[];
  readonly maxRedrives: number;
  readonly errorFilter: ErrorFilterSpec;
  /** --exclude-error patterns applied on top of an --error allow-list: both flags given. */
  readonly excludeErrors: string[];
  readonly rate: number;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly json: boolean;
}

export interface RedriveOptions extends PolicyOptions {
  /** Names and ARNs, as given. */
  readonly stateMachines: string[];
  readonly namePrefixes: string[];
  readonly since: Date;
  readonly until: Date;
}

export interface ReplayOptions extends PolicyOptions {
  readonly queueUrl: string;
  readonly max?: number;
  readonly visibilityTimeout: number;
}

const POLICY_FLAGS = {
  'status': { type: 'string', multiple: true },
  'error': { type: 'string', multiple: true },
  'exclude-error': { type: 'string', multiple: true },
  'max-redrives': { type: 'string' },
  'rate': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'yes': { type: 'boolean', short: 'y' },
  'json': { type: 'boolean' },
  'help': { type: 'boolean', short: 'h' },
} as const;

const REDRIVE_FLAGS = {
  ...POLICY_FLAGS,
  'state-machine': { type: 'string', multiple: true },
  'name-prefix': { type: 'string', multiple: true },
  'since': { type: 'string' },
  'until': { type: 'string' },
} as const;

const REPLAY_FLAGS = {
  ...POLICY_FLAGS,
  'queue-url': { type: 'string' },
  'max': { type: 'string' },
  'visibility-timeout': { type: 'string' },
} as const;

/** The parsed flags, or 'help' when --help was asked for. */
export function parseRedriveOptions(args: string[], now: Date): RedriveOptions | 'help' {
  const values = parseFlags('redrive', args, REDRIVE_FLAGS);
  if (values.help) return 'help';
  const problems: string[] = [];
  const stateMachines = list(values['state-machine']);
  const namePrefixes = list(values['name-prefix']);
  if (stateMachines.length === 0 && namePrefixes.length === 0) problems.push('name the state machines: --state-machine <name or ARN> or --name-prefix <prefix>');
  for (const stateMachine of stateMachines) {
    const problem = stateMachineProblem(stateMachine);
    if (problem) problems.push(`--state-machine ${JSON.stringify(stateMachine)} ${problem}`);
  }
  for (const prefix of namePrefixes) {
    const problem = nameProblem(prefix);
    if (problem) problems.push(`--name-prefix ${JSON.stringify(prefix)} ${problem}`);
  }
  const since = parseTime('--since', values.since, now, problems) ?? new Date(now.getTime() - REDRIVE_WINDOW_MS);
  const until = parseTime('--until', values.until, now, problems, true) ?? now;
  if (since.getTime() >= until.getTime()) problems.push(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  const policy = parsePolicyOptions(values, problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { ...policy, stateMachines: unique(stateMachines), namePrefixes: unique(namePrefixes), since, until };
}

export function parseReplayOptions(args: string[]): ReplayOptions | 'help' {
  const values = parseFlags('replay', args, REPLAY_FLAGS);
  if (values.help) return 'help';
  const problems: string[] = [];
  const queueUrl = values['queue-url'];
  if (queueUrl === undefined) problems.push('--queue-url <url> is required: the dead-letter queue to replay');
  else if (!/^https?:\/\/[^\s/]+\/.+/.test(queueUrl)) problems.push(`--queue-url must be a queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>), got ${JSON.stringify(queueUrl)}`);
  const max = values.max === undefined ? undefined : wholeNumber('--max', values.max, 1, Number.MAX_SAFE_INTEGER, problems);
  const visibilityTimeout = values['visibility-timeout'] === undefined ? DEFAULT_VISIBILITY_TIMEOUT
    : wholeNumber('--visibility-timeout', values['visibility-timeout'], 30, 43_200, problems) ?? DEFAULT_VISIBILITY_TIMEOUT;
  const policy = parsePolicyOptions(values, problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { ...policy, queueUrl: queueUrl!, max, visibilityTimeout };
}

/** The policy flags as the JSON output shows them. */
export function policyJson(options: PolicyOptions): object {
  return { statuses: options.statuses, maxRedrives: options.maxRedrives, errorFilter: options.errorFilter, excludeErrors: options.excludeErrors };
}

/** The policy the one redrive path applies: the flags', with no backoff (a person decided, now). */
export function cliPolicy(options: PolicyOptions, dryRun = options.dryRun): HandlerPolicy {
  return {
    maxRedrives: options.maxRedrives,
    statuses: options.statuses,
    errorFilter: options.errorFilter,
    backoff: { kind: 'NONE', initialDelaySeconds: 0, maxDelaySeconds: 0, multiplier: 1, jitter: false },
    dryRun,
  };
}

/**
 * A duration before `now` (`30m`, `2h`, `3d`, `1w`) or an ISO 8601 date (`2024-05-01`,
 * `2024-05-01T12:00:00Z`). Undefined when not given.
 */
export function parseTime(flag: string, value: string | undefined, now: Date, problems: string[], futureAllowed = false): Date | undefined {
  if (value === undefined) return undefined;
  const duration = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(value.trim());
  if (duration) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[duration[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    const time = now.getTime() - Number(duration[1]) * unit;
    if (time >= 0) return new Date(time);
    problems.push(`${flag} ${value} reaches back before 1970`);
    return undefined;
  }
  const fields = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (fields) {
    const [year, month, day, hour, minute, second] = fields.slice(1).map((field) => Number(field ?? 0));
    // Date rolls 2024-02-30 over to March 1st, and 24:00 to the next day.
    const calendar = new Date(0);
    calendar.setUTCFullYear(year, month - 1, day);
    const date = new Date(value.trim());
    const inCalendar = calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && hour <= 23 && minute <= 59 && second <= 59;
    if (!inCalendar || Number.isNaN(date.getTime())) {
      problems.push(`${flag} ${value} is not a date and time the calendar has`);
      return undefined;
    }
    if (!futureAllowed && date.getTime() > now.getTime()) problems.push(`${flag} ${value} is in the future`);
    return date;
  }
  problems.push(`${flag} must be a duration before now (30m, 2h, 3d, 1w) or an ISO 8601 date (2024-05-01, 2024-05-01T12:00:00Z), got ${JSON.stringify(value)}`);
  return undefined;
}

function parsePolicyOptions(values: Record<string, string | string[] | boolean | undefined>, problems: string[]): PolicyOptions {
  const statuses = unique(list(values.status as string[] | undefined).flatMap((value) => value.split(',')).map((status) => status.trim().toUpperCase()).filter((s) => s !== ''));
  for (const status of statuses) {
    if (!(REDRIVABLE_STATUSES as readonly string[]).includes(status)) problems.push(`--status ${status} is not one of ${REDRIVABLE_STATUSES.join(', ')}`);
  }
  const allow = list(values.error as string[] | undefined);
  const exclude = list(values['exclude-error'] as string[] | undefined);
  for (const [flag, patterns] of [['--error', allow], ['--exclude-error', exclude]] as const) {
    for (const pattern of patterns) {
      const problem = errorPatternProblem(pattern);
      if (problem) problems.push(`${flag} ${JSON.stringify(pattern)} ${problem}`);
    }
  }
  const maxRedrives = values['max-redrives'] === undefined ? DEFAULT_MAX_REDRIVES
    : wholeNumber('--max-redrives', values['max-redrives'] as string, 1, MAX_REDRIVES_LIMIT, problems) ?? DEFAULT_MAX_REDRIVES;
  let rate = DEFAULT_RATE;
  if (values.rate !== undefined) {
    const parsed = Number(values.rate);
    if (!/^\d+(\.\d+)?$/.test(String(values.rate)) || !(parsed >= SLOWEST_RATE) || parsed > MAX_RATE) {
      problems.push(`--rate must be a number of redrives per second from ${SLOWEST_RATE} to ${MAX_RATE}, got ${JSON.stringify(values.rate)}`);
    } else {
      rate = parsed;
    }
  }
  return {
    statuses: statuses.length > 0 ? statuses : [...DEFAULT_STATUSES],
    maxRedrives,
    errorFilter: errorFilterOf(allow, exclude),
    excludeErrors: allow.length > 0 ? unique(exclude) : [],
    rate,
    dryRun: values['dry-run'] === true,
    yes: values.yes === true,
    json: values.json === true,
  };
}

/**
 * --error: only those errors (the ones a fix addressed). --exclude-error: every error but those
 * and the ones a redrive cannot fix. Neither: the construct's default, every error but the ones a
 * redrive cannot fix. Both: the --error allow-list, less the excluded ones (checked by the caller).
 */
function errorFilterOf(allow: string[], exclude: string[]): ErrorFilterSpec {
  if (allow.length > 0) return { mode: 'ALLOW_ONLY', patterns: unique(allow) };
  return { mode: 'DENY', patterns: unique([...ERRORS_REDRIVE_CANNOT_FIX, ...exclude]) };
}

function stateMachineProblem(value: string): string | undefined {
  if (value.startsWith('arn:')) {
    return /^arn:aws(-[a-z]+)*:states:[a-z]+(-[a-z]+)+-\d{1,2}:\d{12}:stateMachine:[^:]+$/.test(value) && nameProblem(value.split(':')[6]) === undefined
      ? undefined : 'is not a state machine ARN (arn:<partition>:states:<region>:<account>:stateMachine:<name>)';
  }
  return nameProblem(value);
}

function wholeNumber(flag: string, value: string, min: number, max: number, problems: string[]): number | undefined {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    problems.push(`${flag} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return parsed;
}

function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T): Record<string, any> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown flag ${flag} for \`${command}\``);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const argument = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unexpected argument ${JSON.stringify(argument)}: \`${command}\` takes only flags (a value with a space needs quotes)`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(message.replace(/^Option/, 'flag'));
    throw error;
  }
}

function list(value: string[] | undefined): string[] {
  return value ?? [];
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
