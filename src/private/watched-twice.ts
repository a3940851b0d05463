import { Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { mayShareEnvironment, Selection } from './selection';
import { addWarning } from './warnings';

/** The short id of the warning (`cdk-stepfunctions-redrive:StateMachineWatchedTwice`). */
export const WATCHED_TWICE_WARNING = 'StateMachineWatchedTwice';

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
        addWarning(construct, WATCHED_TWICE_WARNING,
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
  return a.selection.overlapWith(b.selection);
}
