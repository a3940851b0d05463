/**
 * An AWS error answer. The JSON protocols read `__type` from the body, the REST JSON protocol the
 * `x-amzn-errortype` header; the fake sends both. Query-compatible services (SQS) also send the
 * query protocol's `<code>;<Sender|Receiver>` in `x-amzn-query-error`.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly namespace = 'com.amazonaws.sfn',
    readonly queryError?: string,
  ) {
    super(message);
  }

  get body(): object {
    return { __type: `${this.namespace}#${this.code}`, message: this.message, Message: this.message };
  }

  /** The headers that go with the body. */
  get headers(): Record<string, string> {
    return { 'x-amzn-errortype': this.code, ...(this.queryError ? { 'x-amzn-query-error': this.queryError } : {}) };
  }
}
