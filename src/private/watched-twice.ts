import { Annotations, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { Selection } from './selection';
import { WatchedStateMachine } from './watched-state-machine';

export const WATCHED_TWICE_WARNING = 'cdk-stepfunctions-redrive:StateMachineWatchedTwice';

interface Watcher {
  readonly construct: Construct;
  readonly selection: Selection;
}

/** The AutoRedrive constructs of each app (keyed by the app's root), in the order they were created. */
const watchersByApp = new WeakMap<IConstruct, Watcher[]>();

/**
 * Registers an AutoRedrive and, at synth time, warns it once when another AutoRedrive of the same
 * app watches a state machine it watches too (each would handle its failures under its own policy),
 * naming the other's path and why.
 */
export function warnWhenWatchedTwice(construct: Construct, selection: Selection): void {
  const root = construct.node.root;
  const watchers = watchersByApp.get(root) ?? [];
  watchersByApp.set(root, watchers);
  const self: Watcher = { construct, selection };
  watchers.push(self);
  construct.node.addValidation({
    validate: () => {
      const overlaps = watchers
        .filter((other) => other !== self)
        .map((other) => ({ path: other.construct.node.path, reason: overlap(self, other) }))
        .filter((found): found is { path: string; reason: string } => found.reason !== undefined)
        .sort((a, b) => a.path.localeCompare(b.path));
      if (overlaps.length > 0) {
        // The same text on every synth: Annotations keeps one copy of a message.
        Annotations.of(construct).addWarningV2(WATCHED_TWICE_WARNING,
          `Another AutoRedrive watches state machines this one watches: ${overlaps.map(({ path, reason }) => `${path} (${reason})`).join('; ')}. ` +
          'Each would handle the same failed executions under its own policy: the first to act redrives, the other skips or acts on ' +
          'a later failure, and both count and report it. Let one AutoRedrive watch each state machine.');
      }
      return [];
    },
  });
}

/** Why `a` and `b` watch a state machine in common, or undefined when they cannot. */
function overlap(a: Watcher, b: Watcher): string | undefined {
  if (!mayShareEnvironment(Stack.of(a.construct), Stack.of(b.construct))) return undefined;
  const [sa, sb] = [a.selection, b.selection];
  if (sa.kind === 'ALL' || sb.kind === 'ALL') {
    const who = sa.kind === 'ALL' && sb.kind === 'ALL' ? 'both watch' : sa.kind === 'ALL' ? 'this one watches' : 'it watches';
    return `${who} every state machine of the account and Region`;
  }
  if (sa.kind === 'LIST' && sb.kind === 'LIST') return sameStateMachine(sa.stateMachines, sb.stateMachines);
  if (sa.kind === 'PREFIXES' && sb.kind === 'PREFIXES') {
    for (const p of sa.namePrefixes) {
      const q = sb.namePrefixes.find((other) => p.startsWith(other) || other.startsWith(p));
      if (q !== undefined) return `name prefixes ${JSON.stringify(p)} and ${JSON.stringify(q)} overlap`;
    }
    return undefined;
  }
  const [list, prefixes] = sa.kind === 'LIST' && sb.kind === 'PREFIXES' ? [sa.stateMachines, sb.namePrefixes]
    : sb.kind === 'LIST' && sa.kind === 'PREFIXES' ? [sb.stateMachines, sa.namePrefixes] : [[], []];
  for (const machine of list) {
    if (Token.isUnresolved(machine.name)) continue;
    const prefix = prefixes.find((p) => machine.name.startsWith(p));
    if (prefix !== undefined) return `${machine.stateMachine.node.path} (${JSON.stringify(machine.name)}) starts with the name prefix ${JSON.stringify(prefix)}`;
  }
  return undefined;
}

function sameStateMachine(as: WatchedStateMachine[], bs: WatchedStateMachine[]): string | undefined {
  for (const a of as) {
    for (const b of bs) {
      // The same token stands for the same state machine; so does the same name in the same account and Region.
      const same = a.stateMachine === b.stateMachine || a.arn === b.arn || (!Token.isUnresolved(a.name) && a.name === b.name);
      if (same) return `both list ${a.stateMachine.node.path}${a.stateMachine === b.stateMachine ? '' : ` and ${b.stateMachine.node.path}`} (${shownName(a)})`;
    }
  }
  return undefined;
}

function shownName(machine: WatchedStateMachine): string {
  return Token.isUnresolved(machine.name) ? 'the same state machine' : JSON.stringify(machine.name);
}

/** False only when the two stacks are known to be in different accounts or Regions. */
export function mayShareEnvironment(a: Stack, b: Stack): boolean {
  const differs = (x: string, y: string) => x !== y && Token.compareStrings(x, y) === TokenComparison.DIFFERENT;
  return !differs(a.account, b.account) && !differs(a.region, b.region);
}
