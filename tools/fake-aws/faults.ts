/**
 * Faults the fake injects before it handles a request:
 * - `error`: an AWS error answer (the call is not performed);
 * - `reset`: the connection is dropped once the request is read (the call is not performed);
 * - `delay`: the answer is held back for `ms`, then the call is performed and answered;
 * - `hang`: the request is read and never answered (the call is not performed); the connection
 *   stays open until the client gives up or the fake closes;
 * - `trickle`: the call is performed, then its answer is sent slowly: the status line and headers
 *   (with the content-length of the whole body) at once, then one byte of the body every
 *   `intervalMs`, so a client's idle-socket timeout never fires. It stops when the client
 *   disconnects or the fake closes.
 */
export type Fault =
  | { readonly kind: 'error'; readonly code: string; readonly status?: number; readonly message?: string }
  | { readonly kind: 'reset' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'trickle'; readonly intervalMs: number };

interface PlannedFault {
  readonly operation: string;
  remaining: number;
  readonly fault: Fault;
  /** Only calls whose input this accepts meet the fault. */
  readonly when?: (input: any) => boolean;
}

export class FaultPlan {
  private readonly planned: PlannedFault[] = [];

  /** The next `times` calls of `operation` (`*` for any) meet `fault`; with `when`, only calls whose input it accepts. */
  inject(operation: string, fault: Fault, times = 1, when?: (input: any) => boolean): void {
    if (fault.kind === 'trickle' && !(fault.intervalMs > 0)) throw new Error('a trickle fault needs intervalMs > 0');
    this.planned.push({ operation, remaining: times, fault, when });
  }

  clear(): void {
    this.planned.length = 0;
  }

  /** The fault this call meets, if any, spending one use of it. */
  take(operation: string, input: unknown = {}): Fault | undefined {
    const entry = this.planned.find((p) => p.remaining > 0 && (p.operation === operation || p.operation === '*') && (!p.when || p.when(input)));
    if (!entry) return undefined;
    entry.remaining -= 1;
    return entry.fault;
  }
}
