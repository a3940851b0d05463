// One Lambda container: loads a handler bundle once, then handles the events its parent sends, one at a time.
//
// With VIRTUAL_TIME_FACTOR and VIRTUAL_TIME_ORIGIN, the container lives on the local endpoint's
// virtual clock, set up before the bundle is loaded (see fake-aws/virtual-time.js).
require('./fake-aws/virtual-time');

const [bundle] = process.argv.slice(2);
const { handler } = require(bundle);
/** The function's timeout, as the template sets it: what Lambda's context says is left when an invocation starts. */
const TIMEOUT_MS = Number(process.env.CONTAINER_FUNCTION_TIMEOUT_MS ?? '30000');
const contextOf = () => {
  const endsAt = Date.now() + TIMEOUT_MS;
  return {
    invokedFunctionArn: process.env.CONTAINER_FUNCTION_ARN ?? 'arn:aws:lambda:us-east-1:123456789012:function:bench-handler',
    getRemainingTimeInMillis: () => endsAt - Date.now(),
  };
};

/** With CONTAINER_CAPTURE_LOGS=1, the JSON lines the handler prints during an invocation are returned with it. */
const CAPTURE_LOGS = process.env.CONTAINER_CAPTURE_LOGS === '1';
const capture = () => {
  const lines = [];
  if (!CAPTURE_LOGS) return { lines, end: () => undefined };
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = (chunk, ...rest) => {
      for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
      const callback = rest.find((arg) => typeof arg === 'function');
      if (callback) callback();
      return true;
    };
  }
  return { lines, end: () => streams.forEach((stream, i) => { stream.write = writes[i]; }) };
};

process.on('message', async (message) => {
  if (message.stop) process.exit(0);
  const logs = capture();
  try {
    const result = await handler(message.event, contextOf());
    logs.end();
    process.send({ id: message.id, ok: true, outcome: result && result.outcome, reason: result && (result.scheduleReason || result.reason), result, logs: logs.lines });
  } catch (error) {
    logs.end();
    process.send({ id: message.id, ok: false, error: error && error.name, errorMessage: error && error.message, logs: logs.lines });
  }
});
process.send({ ready: true });
