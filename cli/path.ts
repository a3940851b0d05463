import { SFNClient } from '@aws-sdk/client-sfn';
import { cliPolicy, PolicyOptions } from './options';
import { errorMessage, errorName } from '../core/aws-errors';
import { Outcome } from '../core/outcome';
import { check, Looked, PathDependencies, redrivePath } from '../core/redrive-path';
import { RedriveRequest } from '../core/request';
import { SkipReason } from '../src/shared/contract';
import { matchesAnyErrorPattern } from '../src/shared/error-pattern';

/**
 * What the CLI planned or did for one execution (or, for REPLAY and REPLAYED, one sweep run): an
 * outcome of the redrive path, in its words, or a plan still to carry out.
 */
export type Verdict =
  | Outcome
  /** A skip the CLI decides itself (a sweep run, a message it does not understand). */
  | { readonly outcome: 'SKIPPED'; readonly reason: string; readonly detail: string }
  /** The plan: the path would redrive it now. */
  | { readonly outcome: 'REDRIVE' }
  /** The plan for a sweep run in the dead-letter queue: send it back to the intake queue, to run again. */
  | { readonly outcome: 'REPLAY'; readonly detail: string }
  | { readonly outcome: 'REPLAYED'; readonly detail: string };

/** Never aborted: Ctrl-C lets the call in flight finish. */
const NEVER = new AbortController().signal;

/**
 * The one redrive path, run for a person: the policy from the flags, no backoff, and no scheduling,
 * so that throttling comes back to the CLI (which slows down and tries again).
 */
export class CliPath {
  private readonly deps: PathDependencies;

  constructor(sfn: SFNClient, private readonly options: PolicyOptions, now: () => Date = () => new Date()) {
    this.deps = { policy: cliPolicy(options), sfn, now, random: () => 0 };
  }

  /** What the path would do now: REDRIVE, SKIPPED or FAILED (a rejected request), with what it saw. Throws what the caller retries. */
  async plan(request: RedriveRequest): Promise<{ verdict: Verdict; looked?: Looked }> {
    const checked = await check(request, { ...this.deps, policy: { ...this.deps.policy, dryRun: false } }, NEVER);
    if ('ended' in checked) return { verdict: checked.ended };
    const { decision, looked } = checked;
    switch (decision.action) {
      case 'SKIP':
        return { verdict: { outcome: 'SKIPPED', reason: decision.reason, detail: decision.detail }, looked };
      case 'REDRIVE':
        return { verdict: this.excluded(looked?.error ?? request.claim?.error) ?? { outcome: 'REDRIVE' }, looked };
      case 'SCHEDULE':
        throw new Error('the CLI\'s policy has no backoff: nothing is scheduled');
    }
  }

  /** Redrives (or, with --dry-run, says it would) through the path. Throws what the caller retries. */
  async act(request: RedriveRequest): Promise<Verdict> {
    return redrivePath(request, this.deps, NEVER);
  }

  /** --exclude-error on top of an --error allow-list. */
  private excluded(error: string | undefined): Verdict | undefined {
    if (error === undefined || !matchesAnyErrorPattern(error, this.options.excludeErrors)) return undefined;
    return { outcome: 'SKIPPED', reason: SkipReason.ERROR_NOT_ALLOWED, detail: `error ${error} is excluded by --exclude-error` };
  }
}

/** The words a person reads for a verdict. */
export function detailOf(verdict: Verdict): string {
  switch (verdict.outcome) {
    case 'REDRIVEN':
      return verdict.redriveDate ? `redriven at ${verdict.redriveDate}` : 'redriven';
    case 'REDRIVE':
      return 'would redrive now';
    case 'SCHEDULED':
      return `redrive scheduled at ${verdict.redriveAt}`;
    case 'FAILED':
      return verdict.error;
    default:
      return verdict.detail;
  }
}

/** A failed verdict for an error the CLI gave up retrying. */
export function failedVerdict(error: unknown): Verdict {
  return { outcome: 'FAILED', reason: errorName(error), error: errorMessage(error) };
}
