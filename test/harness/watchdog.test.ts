// The inactivity watchdog of a method step (src/harness/watchdog.ts): a method that shows no sign of
// activity (progress, a model or grader call) for the limit fails, naming the step and its last progress;
// one that keeps reporting runs as long as it needs.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/harness/progress.ts';
import { InactivityError, inactivitySeconds, withInactivityWatchdog } from '../../src/harness/watchdog.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('inactivity watchdog', () => {
  it('fails a step that hangs, naming it and its last progress', async () => {
    createProgress('  zoo/x')('collect', 2, 5);
    const hung = withInactivityWatchdog("method 'm' on zoo/x", 0.2, () => new Promise(() => setInterval(() => {}, 50)));
    await expect(hung).rejects.toThrow(InactivityError);
    await expect(hung).rejects.toThrow(
      /method 'm' on zoo\/x: no progress and no model or grader call for 0\.2 s .*last progress: zoo\/x .*2\/5 collect/,
    );
  });

  it('lets a step that keeps showing activity run past the limit', async () => {
    const out = await withInactivityWatchdog('busy', 0.2, async (touch) => {
      for (let i = 0; i < 8; i++) {
        await sleep(60);
        touch();
      }
      return 'done';
    });
    expect(out).toBe('done');
  });

  it('takes its limit from DIFFBENCH_METHOD_INACTIVITY_S (default generous), refusing nonsense', () => {
    expect(inactivitySeconds({})).toBe(1800);
    expect(inactivitySeconds({ DIFFBENCH_METHOD_INACTIVITY_S: '30' })).toBe(30);
    expect(() => inactivitySeconds({ DIFFBENCH_METHOD_INACTIVITY_S: '-1' })).toThrow(
      /expected a number of seconds > 0/,
    );
  });
});
