// Grader calls that failed after all retries (a transient error: connection refused, timeouts, 5xx): the
// graders record each one here and leave the labels it should have given UNGRADED; the harness reads the
// count around each organism's run, says how many failed, and refuses a metric left with no graded item.

let count = 0;
let last: string | undefined;

export function recordFailedCall(reason: string): void {
  count++;
  last = reason;
}

/** Failed calls in this process so far, and the reason of the latest. */
export function failedCalls(): { count: number; last?: string } {
  return { count, last };
}
