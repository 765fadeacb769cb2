// A command that runs methods ends through runCli: with its result or its error. Anything else is a failure
// (exit 3) that says what was running and the last progress it reported: a method that calls process.exit,
// or one whose promise never settles while nothing is left to wait for (the event loop empties; Node would
// end the process with status 0 and no result).
import { writeSync } from 'node:fs';
import { currentActivity } from '../errors.ts';
import { lastProgress } from '../harness/progress.ts';

const RUNTIME_FAILURE = 3;
let finished = false;

/** The command settled (with a status or an error): its exit is the one it chose. */
export function commandFinished(): void {
  finished = true;
}

function where(): string {
  const activity = currentActivity();
  const progress = lastProgress();
  return `${activity ? ` during ${activity}` : ''}${progress ? `; last progress: ${progress}` : ''}`;
}

/** Installs the checks for `command` (once per process). */
export function guardCompletion(command: string): void {
  process.once('beforeExit', () => {
    if (finished) return;
    finished = true;
    writeSync(
      2,
      `${command}: the command ended before it finished: nothing was left to run while a promise never settled${where()}\n`,
    );
    process.exit(RUNTIME_FAILURE);
  });
  process.once('exit', (code) => {
    // an exit of its own while a step runs (a method calling process.exit) is a failure, whatever its status
    if (finished || currentActivity() === undefined) return;
    writeSync(2, `${command}: process.exit(${code}) was called before the command finished${where()}\n`);
    process.exitCode = RUNTIME_FAILURE;
  });
}
