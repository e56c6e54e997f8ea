import type {AnalysisStatus, SessionStatus} from '../api/types';
import {Badge, Spinner, type Tone} from './ui';

const sessionTones: Record<SessionStatus, {tone: Tone; label: string; help: string}> = {
  recording: {tone: 'blue', label: 'Recording', help: 'The visitor is still on the site'},
  completed: {tone: 'violet', label: 'Queued', help: 'Ended; waiting for the worker to render it'},
  rendering: {tone: 'violet', label: 'Rendering', help: 'The worker is rendering the video'},
  ready: {tone: 'green', label: 'Ready', help: 'Video, thumbnail and keyframes are available'},
  failed: {tone: 'red', label: 'Failed', help: 'Rendering failed; open the session to see why'},
  discarded: {tone: 'gray', label: 'Discarded', help: "Shorter than the project's minimum duration"},
};

export function isSessionBusy(status: SessionStatus): boolean {
  return status === 'recording' || status === 'completed' || status === 'rendering';
}

export function isAnalysisBusy(status: AnalysisStatus): boolean {
  return status === 'pending' || status === 'running';
}

export function SessionStatusBadge({status}: {status: SessionStatus}) {
  const info = sessionTones[status] ?? {tone: 'gray' as Tone, label: status, help: ''};
  return (
    <Badge tone={info.tone} title={info.help}>
      {(status === 'recording' || status === 'rendering') && (
        <span
          className={`size-1.5 rounded-full ${status === 'recording' ? 'bg-sky-500' : 'bg-violet-500'} animate-pulse`}
        />
      )}
      {info.label}
    </Badge>
  );
}

export function AnalysisStatusBadge({status}: {status: AnalysisStatus}) {
  if (status === 'completed') return <Badge tone="green">Analysed</Badge>;
  if (status === 'failed') return <Badge tone="red">Analysis failed</Badge>;
  if (isAnalysisBusy(status))
    return (
      <Badge tone="violet">
        <Spinner className="size-3" />
        Analysing
      </Badge>
    );
  return <Badge>Not analysed</Badge>;
}

export function ErrorCountBadge({count}: {count: number}) {
  if (count <= 0) return null;
  return (
    <Badge tone="red" title={`${count} error${count === 1 ? '' : 's'} recorded`}>
      {count} error{count === 1 ? '' : 's'}
    </Badge>
  );
}
