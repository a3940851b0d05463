import { NO_TRACING, TraceAnnotations, TraceMarker, traceMarker } from '../../lambda/redrive/tracing';
import { executionArn, failureEvent } from '../../tools/events';
import { startHandler } from '../support/handler-harness';

/** Records the annotations the handler asks for, as the Tracer would put them on the subsegment. */
function recordingMarker(): TraceMarker & { annotations: TraceAnnotations[] } {
  const annotations: TraceAnnotations[] = [];
  return {
    annotations,
    async trace(work, annotationsOf) {
      let result;
      try {
        result = await work();
        return result;
      } finally {
        annotations.push(annotationsOf(result));
      }
    },
  };
}

describe('trace annotations', () => {
  test('a redrive is marked redrive: true with its redrive count and execution', async () => {
    const marker = recordingMarker();
    const h = await startHandler({ tracing: marker });
    const arn = executionArn('orders', 'traced');
    h.fake.stepFunctions.addExecution(arn, { redriveCount: 2 });
    await h.handler(failureEvent({ executionArn: arn, redriveCount: 2, stopDate: h.fake.clock.now() }));
    await h.handler(failureEvent({ executionArn: arn, redriveCount: 3, stopDate: h.fake.clock.now() }));
    await h.stop();

    expect(marker.annotations).toEqual([
      { redrive: true, outcome: 'REDRIVEN', redriveCount: 2, executionArn: arn },
      { redrive: false, outcome: 'SKIPPED', redriveCount: 3, executionArn: arn, reason: 'EXHAUSTED' },
    ]);
  });

  test('a failed invocation is annotated too, and still fails', async () => {
    const marker = recordingMarker();
    const h = await startHandler({ tracing: marker });
    const arn = executionArn('orders', 'traced');
    h.fake.stepFunctions.addExecution(arn);
    h.fake.faults.inject('RedriveExecution', { kind: 'error', code: 'AccessDeniedException' }, 5);
    await expect(h.handler(failureEvent({ executionArn: arn, stopDate: h.fake.clock.now() }))).rejects.toThrow();
    await h.stop();

    expect(marker.annotations).toEqual([{ redrive: false, outcome: 'FAILED', redriveCount: 0, executionArn: arn }]);
  });

  test('without tracing nothing is loaded; with it, the Powertools Tracer runs the work outside Lambda too', async () => {
    expect(traceMarker(false)).toBe(NO_TRACING);
    const marker = traceMarker(true);
    await expect(marker.trace(async () => 42, () => ({ redrive: true }))).resolves.toBe(42);
  });
});
