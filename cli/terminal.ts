import { createInterface } from 'readline';

/** Where the CLI writes and what it asks: the process's streams, or a test's. */
export interface Terminal {
  /** stderr is a terminal: draw a progress bar rather than log lines. */
  readonly progressIsTty: boolean;
  /** stdin is a terminal: a person can answer a question. */
  readonly canAsk: boolean;
  /** The result: the table and summary, or the JSON document. */
  out(text: string): void;
  /** Progress, prompts, warnings and errors. */
  err(text: string): void;
  /** Asks a question on stderr and reads one line from stdin; undefined when stdin ends first. */
  ask(question: string): Promise<string | undefined>;
  /** Calls `listener` on each Ctrl-C (SIGINT); returns a function that stops listening. */
  onInterrupt(listener: () => void): () => void;
}

export function processTerminal(): Terminal {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    progressIsTty: process.stderr.isTTY === true,
    canAsk: process.stdin.isTTY === true,
    ask: (question) => new Promise((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
      let answered = false;
      rl.question(question, (answer) => {
        answered = true;
        rl.close();
        resolve(answer);
      });
      rl.on('close', () => {
        if (!answered) resolve(undefined);
      });
    }),
    onInterrupt: (listener) => {
      process.on('SIGINT', listener);
      return () => process.off('SIGINT', listener);
    },
  };
}
