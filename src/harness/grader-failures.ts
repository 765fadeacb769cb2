// Failed grader calls are never zeros: a label a grader could not get (UNGRADED) is not scored, so a
// metric whose every item is ungraded is missing, not 0. One organism's run counts the calls that failed
// (src/llm/failed-calls.ts), records how many in the result's warnings, and fails (exit 3) as soon as a
// metric of a scored output is left with no graded item.
import type { MethodOutput } from '../method/types.ts';
import { failedCalls } from '../llm/failed-calls.ts';
import type { Metrics } from '../results/types.ts';

/** The relevance metrics an output's readouts call for that scoring could not produce (no graded token). */
export function ungradedMetrics(output: MethodOutput, metrics: Metrics): string[] {
  const sources = new Set((output.readouts ?? []).filter((r) => r.tokens.length > 0).map((r) => r.source));
  return [...sources].map((s) => `relevance.${s}`).filter((name) => !(name in metrics));
}

export class GraderFailures {
  private readonly before = failedCalls().count;

  /**
   * Returns the metrics of `what` (the method, a baseline, the null organism); throws when one of them has
   * no graded item (a grader that could not be reached must not score 0).
   */
  check(what: string, output: MethodOutput, metrics: Metrics): Metrics {
    const ungraded = ungradedMetrics(output, metrics);
    if (ungraded.length > 0)
      throw new Error(
        `${this.describe()}; no item was graded for ${what}'s ${ungraded.join(', ')}: not scored (never counted as 0)`,
      );
    return metrics;
  }

  /** Calls that failed since this run began, with the last reason. */
  failed(): { count: number; last?: string } {
    const now = failedCalls();
    return { count: now.count - this.before, last: now.last };
  }

  private describe(): string {
    const { count, last } = this.failed();
    return `${count} grader call(s) failed after their retries${last ? ` (last: ${last})` : ''}`;
  }

  /** The warning to record when calls failed: their labels are left out. */
  warning(): string | undefined {
    return this.failed().count > 0
      ? `${this.describe()}; the labels they should have given are left out of every metric`
      : undefined;
  }
}
