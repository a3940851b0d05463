import { main } from './main';
import { processTerminal } from './terminal';

// The bin: `cdk-stepfunctions-redrive <command> [flags]`. Everything else is in main.ts.
// The AWS SDK inside the bundle is the package's to update, not the user's: no warning about it on every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main(process.argv.slice(2), processTerminal()).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`cdk-stepfunctions-redrive: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
