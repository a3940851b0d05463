/**
 * An AWS error answer. The JSON protocols read `__type` from the body, the REST JSON protocol the
 * `x-amzn-errortype` header; the fake sends both.
 */
export class AwsError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400, readonly namespace = 'com.amazonaws.sfn') {
    super(message);
  }

  get body(): object {
    return { __type: `${this.namespace}#${this.code}`, message: this.message, Message: this.message };
  }
}
