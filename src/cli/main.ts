// The one place that turns a command's outcome into its exit status (README "Exit status"):
//   0  ok
//   1  a pass threshold failed or was not scored (bench), too readable / a ladder regression (check-organism),
//      an invalid bundle or entry (submit), a conformance mismatch
//   2  usage or input error: unknown flag or value, unknown organism, missing or malformed file, bad config,
//      output folder that is a file or not writable, a --device this machine lacks (reported before any
//      model is loaded); also a method output that breaks the suite's protocol (src/method/validate.ts)
//   3  runtime failure: a method that throws (also asynchronously), onnxruntime, network, a bug
import { HubError } from '../hub/errors.ts';
import { currentActivity, describeThrown, InputError } from '../errors.ts';
import { MethodOutputError } from '../method/validate.ts';
import { DeviceUnavailableError } from '../runtime/device.ts';
import { waitingForReexecutedChild } from './allocator.ts';
import { commandFinished, guardCompletion } from './completion.ts';

export const EXIT = { ok: 0, failed: 1, input: 2, runtime: 3 } as const;

const INPUT_HUB_KINDS = new Set(['not-found', 'auth', 'offline', 'pickle']);

/** 2 for input errors (InputError and its kinds, parseArgs errors, Hub answers about the request), else 3. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof InputError || err instanceof DeviceUnavailableError || err instanceof MethodOutputError)
    return EXIT.input;
  if (err instanceof HubError) return INPUT_HUB_KINDS.has(err.kind) ? EXIT.input : EXIT.runtime;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return EXIT.input;
  return EXIT.runtime;
}

function report(command: string, err: unknown, context = ''): void {
  commandFinished();
  const debug = process.env.DIFFBENCH_DEBUG && err instanceof Error ? `\n${err.stack}` : '';
  const code = exitCodeOf(err);
  const hint =
    code === EXIT.input && (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')
      ? ` (npm run ${command} -- --help)`
      : '';
  process.stderr.write(`${command}: ${context}${describeThrown(err)}${hint}${debug}\n`);
  exitWhenFlushed(code);
}

/** Resolves once everything written to `stream` so far has reached the OS (or the stream failed or closed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  // write callbacks run in order, so an empty write's runs after every earlier write's
  return new Promise((resolve) => stream.write('', () => resolve()));
}

let exiting = false;

/**
 * Ends the process with `code` once stdout and stderr are flushed. A pipe to a slow reader takes writes
 * asynchronously, and process.exit() at once would cut what is still queued (at 64 KiB, the pipe's size).
 * The explicit exit still follows: ONNX Runtime's threads or an HTTP agent may hold the event loop open.
 * The first call decides the status.
 */
function exitWhenFlushed(code: number): void {
  if (exiting) return;
  exiting = true;
  process.exitCode = code;
  Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
}

/** A reader that closed its end of stdout or stderr (`| head`) ends the command quietly: 3 while it runs, else its status. */
function onClosedPipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
  process.exit(exiting ? Number(process.exitCode) : EXIT.runtime);
}

/**
 * Runs a command's main and exits with its status: the number main returns, or the code of what it throws,
 * once its output is flushed.
 * Errors thrown outside any awaited call (a timer, an un-awaited promise) end the command too, with 3 and
 * the activity they happened in.
 */
export function runCli(command: string, main: () => number | undefined | Promise<number | undefined>): void {
  if (waitingForReexecutedChild()) return; // src/cli/allocator.ts: the child runs the command
  const stray = (err: unknown) => {
    const during = currentActivity();
    report(
      command,
      err,
      `an error was thrown asynchronously (in a timer or an un-awaited promise)${during ? ` during ${during}` : ''}: `,
    );
  };
  process.on('uncaughtException', (err) => stray(err));
  process.on('unhandledRejection', (err) => stray(err));
  process.stdout.on('error', onClosedPipe);
  process.stderr.on('error', onClosedPipe);
  guardCompletion(command);
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        commandFinished();
        exitWhenFlushed(code ?? EXIT.ok);
      },
      (err) => report(command, err),
    );
}
