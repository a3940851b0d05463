/**
 * Faults the fake injects before it handles a request: an AWS error answer, a dropped connection,
 * or a response held back for a while.
 */
export type Fault =
  | { readonly kind: 'error'; readonly code: string; readonly status?: number; readonly message?: string }
  | { readonly kind: 'reset' }
  | { readonly kind: 'delay'; readonly ms: number };

interface PlannedFault {
  readonly operation: string;
  remaining: number;
  readonly fault: Fault;
}

export class FaultPlan {
  private readonly planned: PlannedFault[] = [];

  /** The next `times` calls of `operation` (`*` for any) meet `fault`. */
  inject(operation: string, fault: Fault, times = 1): void {
    this.planned.push({ operation, remaining: times, fault });
  }

  clear(): void {
    this.planned.length = 0;
  }

  /** The fault this call meets, if any, spending one use of it. */
  take(operation: string): Fault | undefined {
    const entry = this.planned.find((p) => p.remaining > 0 && (p.operation === operation || p.operation === '*'));
    if (!entry) return undefined;
    entry.remaining -= 1;
    return entry.fault;
  }
}
