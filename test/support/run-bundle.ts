import { execFile } from 'child_process';
import * as path from 'path';

/** What a handler invocation in a fresh Node.js process printed and returned. */
export interface BundleRun {
  readonly result?: unknown;
  readonly error?: { name: string; message: string };
  /** Every JSON line the handler logged, on stdout then stderr. */
  readonly logs: any[];
}

const RESULT_MARKER = '@@result@@';
const RUNNER = `
const [bundle, marker, functionArn] = process.argv.slice(1);
let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  let report;
  try {
    const { handler } = require(bundle);
    report = { result: await handler(JSON.parse(input), { invokedFunctionArn: functionArn }) };
  } catch (error) {
    report = { error: { name: error.name, message: error.message } };
  }
  process.stdout.write(marker + JSON.stringify(report) + '\\n');
});
`;

/**
 * Loads a synthesized handler bundle in a new Node.js process with exactly `environment` (as Lambda
 * would: the SDK resolves endpoints and credentials from it) and invokes it with `event` and a
 * context naming `functionArn`.
 */
export function runBundle(bundleDir: string, environment: Record<string, string>, event: unknown, functionArn = ''): Promise<BundleRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', RUNNER, path.join(bundleDir, 'index.js'), RESULT_MARKER, functionArn], {
      env: { PATH: process.env.PATH ?? '', ...environment },
      timeout: 60_000,
    }, (error, stdout, stderr) => {
      const lines = stdout.split('\n');
      const reportLine = lines.find((line) => line.startsWith(RESULT_MARKER));
      if (!reportLine) {
        reject(new Error(`the bundle printed no result (${error?.message ?? 'no error'}):\n${stdout}\n${stderr}`));
        return;
      }
      // Lambda sends both streams to the log group; Powertools writes errors to stderr.
      const logs = [...lines, ...stderr.split('\n')].filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      resolve({ ...JSON.parse(reportLine.slice(RESULT_MARKER.length)), logs });
    });
    child.stdin!.end(JSON.stringify(event));
  });
}
