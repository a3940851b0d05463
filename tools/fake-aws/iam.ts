/**
 * A small model of IAM identity-based policy evaluation for the caller of the fake: an explicit
 * Deny wins, then an Allow that matches, otherwise the call is implicitly denied. Actions match
 * case-insensitively, resources case-sensitively; both take the `*` (any run of characters,
 * colons included) and `?` (one character) wildcards. NotAction and NotResource are honoured.
 * Conditions are treated as satisfied; policy variables are not expanded.
 *
 * Until `allow()` is called, every call is allowed (the fake's behaviour without IAM), and every
 * decision is still recorded.
 */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  /** Not evaluated: treated as satisfied. */
  readonly Condition?: unknown;
}

export interface AuthorizationDecision {
  readonly action: string;
  readonly resource: string;
  readonly allowed: boolean;
}

export interface Authorization {
  readonly allowed: boolean;
  /** Why the call was denied: an explicit Deny, or no Allow. */
  readonly reason?: 'explicit-deny' | 'no-allow';
}

export class FakeIam {
  /** The statements in force, in the order given. */
  readonly statements: PolicyStatement[] = [];
  /** Every authorization decision the fake made, in order. */
  readonly decisions: AuthorizationDecision[] = [];
  private enforcing = false;

  /** Adds statements and starts enforcing them: from now on what they do not allow is denied. */
  allow(statements: PolicyStatement | readonly PolicyStatement[]): void {
    const given: readonly PolicyStatement[] = Array.isArray(statements) ? statements : [statements as PolicyStatement];
    for (const statement of given) {
      if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new Error(`a statement needs Effect Allow or Deny: ${JSON.stringify(statement)}`);
      if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
        throw new Error(`a statement needs exactly one of Action and NotAction: ${JSON.stringify(statement)}`);
      }
      if ((statement.Resource === undefined) === (statement.NotResource === undefined)) {
        throw new Error(`a statement needs exactly one of Resource and NotResource: ${JSON.stringify(statement)}`);
      }
      this.statements.push(statement);
    }
    this.enforcing = true;
  }

  /** Back to no statements: everything is allowed again. Decisions are kept. */
  reset(): void {
    this.statements.length = 0;
    this.enforcing = false;
  }

  /** Whether statements are being enforced. */
  get isEnforcing(): boolean {
    return this.enforcing;
  }

  /** Evaluates `action` on `resource` without recording it. */
  evaluate(action: string, resource: string): Authorization {
    if (!this.enforcing) return { allowed: true };
    const matching = this.statements.filter((statement) => matchesAction(statement, action) && matchesResource(statement, resource));
    if (matching.some((statement) => statement.Effect === 'Deny')) return { allowed: false, reason: 'explicit-deny' };
    if (matching.some((statement) => statement.Effect === 'Allow')) return { allowed: true };
    return { allowed: false, reason: 'no-allow' };
  }

  /** Evaluates `action` on `resource` and records the decision. */
  authorize(action: string, resource: string): Authorization {
    const authorization = this.evaluate(action, resource);
    this.decisions.push({ action, resource, allowed: authorization.allowed });
    return authorization;
  }

  /** The recorded decisions for `action`. */
  decisionsOf(action: string): AuthorizationDecision[] {
    return this.decisions.filter((decision) => decision.action.toLowerCase() === action.toLowerCase());
  }
}

/** Whether `value` matches an IAM pattern with `*` and `?` wildcards. */
export function matchesWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const [p, v] = ignoreCase ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
  const source = [...p].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}/]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'su').test(v);
}

function list(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

function matchesAction(statement: PolicyStatement, action: string): boolean {
  if (statement.NotAction !== undefined) return !list(statement.NotAction).some((pattern) => matchesWildcard(pattern, action, true));
  return list(statement.Action).some((pattern) => matchesWildcard(pattern, action, true));
}

function matchesResource(statement: PolicyStatement, resource: string): boolean {
  if (statement.NotResource !== undefined) return !list(statement.NotResource).some((pattern) => matchesWildcard(pattern, resource));
  return list(statement.Resource).some((pattern) => matchesWildcard(pattern, resource));
}
