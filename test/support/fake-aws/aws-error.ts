/** An error answer in the AWS JSON protocols: `{"__type": "<namespace>#<Code>", "message": ...}`. */
export class AwsError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400, readonly namespace = 'com.amazonaws.sfn') {
    super(message);
  }

  get body(): object {
    return { __type: `${this.namespace}#${this.code}`, message: this.message };
  }
}
