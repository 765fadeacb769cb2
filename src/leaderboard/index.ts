export { buildLeaderboard, type Leaderboard, type MethodRow, type ComparisonRow, type LeaderboardOptions } from './aggregate.ts';
export { renderTerminal, renderMarkdown } from './render-text.ts';
export { renderHtml, barChart, ladderChart } from './render-html.ts';
