// One Lambda container: loads a handler bundle once, then handles the events its parent sends, one at a time.
const [bundle] = process.argv.slice(2);
const { handler } = require(bundle);
/** The construct's timeout: what Lambda's context says is left when an invocation starts. */
const TIMEOUT_MS = 30_000;
const contextOf = () => {
  const endsAt = Date.now() + TIMEOUT_MS;
  return {
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-handler',
    getRemainingTimeInMillis: () => endsAt - Date.now(),
  };
};

process.on('message', async (message) => {
  if (message.stop) process.exit(0);
  try {
    const result = await handler(message.event, contextOf());
    process.send({ id: message.id, ok: true, outcome: result && result.outcome });
  } catch (error) {
    process.send({ id: message.id, ok: false, error: error && error.name });
  }
});
process.send({ ready: true });
