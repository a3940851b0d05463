/**
 * An execution status that AutoRedrive may redrive.
 *
 * Step Functions can redrive executions that FAILED, TIMED_OUT or were ABORTED.
 *
 * Compare statuses by their value, not as objects: another installed copy of this library has
 * objects of its own for the same statuses.
 *
 * @stability experimental
 */
export class RedrivableStatus {
  /** The execution failed. */
  public static readonly FAILED = new RedrivableStatus('FAILED');

  /** The execution ran past its TimeoutSeconds. */
  public static readonly TIMED_OUT = new RedrivableStatus('TIMED_OUT');

  /**
   * The execution was stopped (StopExecution). Usually on purpose, so not redriven by default.
   */
  public static readonly ABORTED = new RedrivableStatus('ABORTED');

  /** The status as Step Functions names it in events and APIs. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }
}
