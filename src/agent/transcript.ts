// Saves one agent run next to the results: description.txt, messages.json, stats.json, config.json,
// each written atomically. The endpoint description carries no key.
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../results/atomic.ts';
import type { AgentRun } from './types.ts';

export function saveAgentRun(dir: string, run: AgentRun): void {
  writeJsonAtomic(join(dir, 'messages.json'), run.messages);
  writeJsonAtomic(join(dir, 'stats.json'), {
    status: run.status,
    ...(run.error ? { error: run.error } : {}),
    ...run.stats,
  });
  writeJsonAtomic(join(dir, 'config.json'), {
    agent: run.agent,
    runIndex: run.runIndex,
    budgets: run.budgets,
    endpoint: run.endpoint,
  });
  // Written last: its presence marks a complete run.
  writeFileAtomic(join(dir, 'description.txt'), `${run.description}\n`);
}
