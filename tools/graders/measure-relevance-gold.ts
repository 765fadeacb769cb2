// Prints how the offline token-relevance grader scores against the hand-labelled gold set
// (relevance-gold.tsv): precision, recall and the false-positive rate on random tokens, overall and per
// source and domain. Run: npx tsx tools/graders/measure-relevance-gold.ts
import { getOrganism } from '../../src/registry/index.ts';
import { organismContext } from '../../src/registry/resolve.ts';
import { readGoldContexts, readGoldSet, scoreAgainstGold, type GoldRow } from '../../graders/offline/relevance-gold.ts';
import { LexicalRelevanceGrader } from '../../graders/offline/token-relevance.ts';

const grader = new LexicalRelevanceGrader();
const rows = readGoldSet();
const contexts = readGoldContexts();
const labelOf = new Map<GoldRow, string>();
for (const [domain, gold] of Object.entries(contexts)) {
  const ctx = organismContext(getOrganism(gold.organism), gold.frequentTokens);
  const domainRows = rows.filter((r) => r.domain === domain);
  const labels = grader.label(
    ctx,
    domainRows.map((r) => r.token),
  );
  domainRows.forEach((r, i) => labelOf.set(r, labels[i]!));
}
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
function line(name: string, subset: GoldRow[]) {
  const s = scoreAgainstGold(
    subset,
    subset.map((r) => labelOf.get(r) as 'RELEVANT' | 'IRRELEVANT'),
  );
  const c = s.counts;
  return `${name.padEnd(20)} n=${String(subset.length).padStart(3)}  precision ${pct(s.precision).padStart(6)}  recall ${pct(s.recall).padStart(6)}  (tp ${c.tp} fp ${c.fp} fn ${c.fn} tn ${c.tn})${c.random ? `  random: said relevant ${pct(s.randomRelevantRate)}, gold ${pct(s.randomGoldRelevantRate)}, FPR ${pct(s.randomFalsePositiveRate)}` : ''}`;
}
console.log(`${grader.grader.id} v${grader.grader.version} on ${rows.length} gold tokens`);
console.log(line('all', rows));
for (const source of ['random', 'over-represented', 'readout'] as const)
  console.log(
    line(
      source,
      rows.filter((r) => r.source === source),
    ),
  );
for (const domain of Object.keys(contexts))
  console.log(
    line(
      domain,
      rows.filter((r) => r.domain === domain),
    ),
  );
if (process.argv.includes('--errors'))
  for (const r of rows)
    if ((labelOf.get(r) === 'RELEVANT') !== (r.label === 'RELEVANT'))
      console.log(
        `  ${r.label === 'RELEVANT' ? 'missed' : 'false+'} ${r.domain} ${r.source} ${JSON.stringify(r.token)}`,
      );
