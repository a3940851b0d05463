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

process.on('message', async (message) => {
  if (message.stop) process.exit(0);
  try {
    const result = await handler(message.event, contextOf());
    process.send({ id: message.id, ok: true, outcome: result && result.outcome, reason: result && (result.scheduleReason || result.reason), result });
  } catch (error) {
    process.send({ id: message.id, ok: false, error: error && error.name, errorMessage: error && error.message });
  }
});
process.send({ ready: true });
