// One Lambda container: loads a handler bundle once, then handles the events its parent sends, one at a time.
const [bundle] = process.argv.slice(2);
const { handler } = require(bundle);
const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-handler' };

process.on('message', async (message) => {
  if (message.stop) process.exit(0);
  try {
    const result = await handler(message.event, context);
    process.send({ id: message.id, ok: true, outcome: result && result.outcome });
  } catch (error) {
    process.send({ id: message.id, ok: false, error: error && error.name });
  }
});
process.send({ ready: true });
