export {
  buildLeaderboard,
  type Leaderboard,
  type MethodRow,
  type ComparisonRow,
  type LeaderboardOptions,
} from './aggregate.ts';
export { renderTerminal, renderMarkdown } from './render-text.ts';
export { renderHtml, ladderChart } from './render-html.ts';
export { scoreProtocol, type ProtocolBoard, type RankRow, type MetricInfo } from './protocol.ts';
export { organismFamilies } from './families.ts';
