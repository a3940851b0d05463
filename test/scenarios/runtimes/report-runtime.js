// Preloaded (NODE_OPTIONS=--require) into the processes that node24.test.ts starts: each appends the
// Node.js version it runs on and the script it runs to the file RUNTIME_REPORT names, one JSON line.
require('fs').appendFileSync(process.env.RUNTIME_REPORT, `${JSON.stringify({ version: process.version, script: process.argv[1] })}\n`);
