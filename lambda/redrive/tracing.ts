import type { Tracer } from '@aws-lambda-powertools/tracer';

export type TraceAnnotations = Record<string, string | number | boolean>;

/** Marks the invocation's trace with what happened, so tracing tools can group a redriven execution with its first run. */
export interface TraceMarker {
  /** Runs `work` in a subsegment and annotates it with what `annotationsOf` says of the result. */
  trace<T>(work: () => Promise<T>, annotationsOf: (result: T | undefined) => TraceAnnotations): Promise<T>;
}

export const NO_TRACING: TraceMarker = { trace: (work) => work() };

/**
 * With active tracing, a Powertools Tracer subsegment per invocation, annotated. The Tracer (and the
 * X-Ray SDK under it) is loaded only when tracing is on, so a handler without it does not pay for
 * loading it at cold start.
 */
export function traceMarker(enabled: boolean): TraceMarker {
  if (!enabled) return NO_TRACING;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Tracer: TracerClass } = require('@aws-lambda-powertools/tracer') as { Tracer: typeof Tracer };
  const tracer = new TracerClass();
  return {
    async trace(work, annotationsOf) {
      const parent = tracer.getSegment();
      const subsegment = parent?.addNewSubsegment('## redrive');
      if (subsegment) tracer.setSegment(subsegment);
      let result;
      try {
        result = await work();
        return result;
      } finally {
        for (const [key, value] of Object.entries(annotationsOf(result))) subsegment?.addAnnotation(key, value);
        subsegment?.close();
        if (parent) tracer.setSegment(parent);
      }
    },
  };
}
