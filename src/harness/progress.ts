// Progress lines with ETA on stderr: a redrawn bar on a terminal, a line every few seconds otherwise
// (CI logs), nothing when DIFFBENCH_QUIET=1.

export type ProgressFn = (step: string, done: number, total: number) => void;

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** "[#####-----] 5/10 step (ETA 12s)" */
export function progressLine(label: string, step: string, done: number, total: number, elapsedSeconds: number): string {
  const width = 20;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const eta =
    done > 0 && done < total
      ? ` ETA ${formatSeconds((elapsedSeconds / done) * (total - done))}`
      : done >= total
        ? ` ${formatSeconds(elapsedSeconds)}`
        : '';
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${step}${eta}`;
}

let last: string | undefined;
const listeners = new Set<(line: string) => void>();

/** The last progress line of this process (printed or not): named when a run ends before it finished. */
export function lastProgress(): string | undefined {
  return last;
}

/** Calls `listener` with every progress line (a bench worker forwards them to its parent); returns the unsubscribe. */
export function onProgress(listener: (line: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressFn {
  const quiet = process.env.DIFFBENCH_QUIET === '1';
  const starts = new Map<string, number>();
  let lastPrint = 0;
  return (step, done, total) => {
    const now = Date.now();
    // ETA from the rate since the step began (the first call with done = 0 marks the start).
    if (!starts.has(step) || (done === 0 && total > 0)) starts.set(step, now);
    const line = progressLine(label, step, done, total, (now - starts.get(step)!) / 1000);
    last = line.trim();
    for (const l of listeners) l(last);
    if (quiet) return;
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${line}${done >= total ? '\n' : ''}`);
    } else if (done >= total || now - lastPrint > 5000) {
      lastPrint = now;
      stream.write(`${line}\n`);
    }
  };
}

export { formatSeconds };
