import { FakeAws } from '../../tools/fake-aws/server';

/** Sets `variables` in process.env; the function it returns puts back what was there. */
export function setEnvironment(variables: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/**
 * A fresh fake for every test, with the SDK's standard AWS_ENDPOINT_URL_* variables pointing at
 * it while the test runs. Create SDK clients inside the test.
 */
export function useFakeAws(): () => FakeAws {
  let fake: FakeAws | undefined;
  let restore = () => {};
  beforeEach(async () => {
    fake = await FakeAws.start();
    restore = setEnvironment(fake.environment);
  });
  afterEach(async () => {
    restore();
    await fake?.close();
    fake = undefined;
  });
  return () => fake!;
}

/** The error a promise rejects with. */
export async function errorOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Resolves once `condition` holds, checking every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
