import { ENV, HandlerPolicy, STATE_MACHINE_NAME_SEPARATOR } from '../../src/private/contract';
import { errorPatternProblem } from '../../src/private/error-pattern';

/** What the handler is configured with, read once from its environment. */
export interface HandlerConfig {
  readonly policy: HandlerPolicy;
  /** The ARNs of the chosen state machines. */
  readonly stateMachineArns: ReadonlySet<string>;
  readonly deadLetterQueueUrl: string;
}

/** Reads and checks the configuration the construct wrote. A bad one fails every invocation, loudly. */
export function readHandlerConfig(env: NodeJS.ProcessEnv): HandlerConfig {
  const policy = parsePolicy(required(env, ENV.POLICY));
  const prefix = required(env, ENV.STATE_MACHINE_ARN_PREFIX);
  const names = required(env, ENV.STATE_MACHINE_NAMES).split(STATE_MACHINE_NAME_SEPARATOR).filter((name) => name.length > 0);
  return {
    policy,
    stateMachineArns: new Set(names.map((name) => `${prefix}${name}`)),
    deadLetterQueueUrl: required(env, ENV.DEAD_LETTER_QUEUE_URL),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`handler configuration: ${name} is not set`);
  return value;
}

function parsePolicy(json: string): HandlerPolicy {
  const fail = (problem: string): never => {
    throw new Error(`handler configuration: ${ENV.POLICY} ${problem}`);
  };
  let value: any;
  try {
    value = JSON.parse(json);
  } catch {
    return fail('is not JSON');
  }
  if (!Number.isInteger(value?.maxRedrives) || value.maxRedrives < 1) fail('needs maxRedrives, a whole number of at least 1');
  if (!Array.isArray(value.statuses) || !value.statuses.every((status: unknown) => typeof status === 'string')) fail('needs statuses, a list of strings');
  if (typeof value.dryRun !== 'boolean') fail('needs dryRun, true or false');
  const filter = value.errorFilter;
  if (!['ALL', 'ALLOW_ONLY', 'DENY'].includes(filter?.mode)) fail('needs errorFilter.mode, one of ALL, ALLOW_ONLY, DENY');
  if (!Array.isArray(filter.patterns) || filter.patterns.some((pattern: unknown) => errorPatternProblem(pattern) !== undefined)) {
    fail('needs errorFilter.patterns, a list of valid error patterns');
  }
  return {
    maxRedrives: value.maxRedrives,
    statuses: value.statuses,
    dryRun: value.dryRun,
    errorFilter: { mode: filter.mode, patterns: filter.patterns },
  };
}
