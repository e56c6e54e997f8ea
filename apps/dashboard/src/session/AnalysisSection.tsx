import type {ReactNode} from 'react';
import type {Analysis, Session} from '../api/types';
import {AlertIcon, RefreshIcon} from '../components/icons';
import {AnalysisStatusBadge, isAnalysisBusy, isSessionBusy} from '../components/StatusBadge';
import {Button, Card, Notice, Spinner} from '../components/ui';
import {formatRelative} from '../lib/format';
import {DeadClicksCard, ErrorsCard, RageClicksCard} from './IssueCards';
import {ActivityCard, CountsCard, FunnelCard, HeatmapCard} from './MetricCards';
import {SummaryCard} from './SummaryCard';

export function AnalysisSection({
  session,
  analysis,
  onAnalyze,
  analyzing,
  onJump,
}: {
  session: Session;
  analysis: Analysis;
  onAnalyze: () => void;
  analyzing: boolean;
  onJump: (ms: number) => void;
}) {
  const analyze = (
    <Button size="sm" onClick={onAnalyze} busy={analyzing}>
      <RefreshIcon />
      {analysis.status === 'none' ? 'Analyze' : 'Re-analyze'}
    </Button>
  );
  return (
    <section aria-labelledby="analysis-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <h2 id="analysis-heading" className="text-lg font-semibold tracking-tight">
            Analysis
          </h2>
          <AnalysisStatusBadge status={analysis.status} />
          {analysis.updated_at && (
            <span className="text-xs text-slate-400">updated {formatRelative(analysis.updated_at)}</span>
          )}
        </div>
        {analysis.status === 'completed' && analyze}
      </div>
      <AnalysisBody session={session} analysis={analysis} analyzeButton={analyze} onJump={onJump} />
    </section>
  );
}

function AnalysisBody({
  session,
  analysis,
  analyzeButton,
  onJump,
}: {
  session: Session;
  analysis: Analysis;
  analyzeButton: ReactNode;
  onJump: (ms: number) => void;
}) {
  if (analysis.status === 'none') {
    return (
      <Card>
        <Notice title="Not analysed yet" action={isSessionBusy(session.status) ? undefined : analyzeButton}>
          {isSessionBusy(session.status)
            ? 'The analysis runs by itself once the session has ended and its video is rendered.'
            : 'Run the analysis to get action counts, rage and dead clicks, errors, the funnel and the heatmap.'}
        </Notice>
      </Card>
    );
  }
  if (isAnalysisBusy(analysis.status)) {
    return (
      <Card>
        <Notice
          icon={<Spinner className="size-7" />}
          title={analysis.status === 'pending' ? 'Analysis queued' : 'Analysing…'}
        >
          This page updates by itself when the results are in.
        </Notice>
      </Card>
    );
  }
  if (analysis.status === 'failed' || !analysis.counts || !analysis.metrics) {
    return (
      <Card>
        <Notice tone="red" icon={<AlertIcon />} title="Analysis failed" action={analyzeButton}>
          {analysis.error || 'The worker gave no reason.'}
        </Notice>
      </Card>
    );
  }
  return (
    <div className="grid gap-4 md:grid-cols-2 lg:grid-cols-3">
      <SummaryCard analysis={analysis} onJump={onJump} />
      <CountsCard counts={analysis.counts} />
      <ActivityCard metrics={analysis.metrics} />
      <ErrorsCard errors={analysis.errors ?? []} onJump={onJump} />
      <RageClicksCard issues={analysis.metrics.rage_clicks} onJump={onJump} />
      <DeadClicksCard issues={analysis.metrics.dead_clicks} onJump={onJump} />
      {analysis.funnel && <FunnelCard funnel={analysis.funnel} onJump={onJump} />}
      <HeatmapCard sessionId={session.id} analysis={analysis} />
    </div>
  );
}
