// Notes on the session: added at the replay's current moment, listed in time
// order (a note's time seeks the replay), deletable by their author.
import {type FormEvent, useState} from 'react';
import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import type {Note} from '../api/types';
import {useAuth} from '../auth';
import {TrashIcon} from '../components/icons';
import {Button, InlineError, focusRing} from '../components/ui';
import {formatClock, formatRelative} from '../lib/format';
import {Empty, PaneScroll, TimeButton} from './paneRows';
import {type Playhead, usePlayhead} from './playhead';

const maxNoteLength = 2000;

export function NotesPane({
  sessionId,
  notes,
  onChange,
  playhead,
  onSeek,
}: {
  sessionId: string;
  notes: Note[];
  onChange: (update: (notes: Note[]) => Note[]) => void;
  playhead: Playhead;
  onSeek: (ms: number) => void;
}) {
  const {user} = useAuth();
  const now = usePlayhead(playhead, 1000);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const note = await api.addNote(sessionId, Math.round(playhead.current), text.trim());
      onChange((current) => [...current, note].sort((a, b) => a.at_ms - b.at_ms));
      setText('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (note: Note) => {
    setError(null);
    try {
      await api.deleteNote(sessionId, note.id);
      onChange((current) => current.filter((n) => n.id !== note.id));
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <div className="space-y-3">
      <form onSubmit={(e) => void add(e)} className="space-y-2">
        <textarea
          aria-label="New note"
          placeholder="What happens here?"
          value={text}
          maxLength={maxNoteLength}
          rows={2}
          onChange={(e) => setText(e.target.value)}
          className={`block w-full rounded-lg border-0 text-sm ring-1 ring-slate-300 ${focusRing}`}
        />
        <Button type="submit" size="sm" variant="primary" busy={busy} disabled={!text.trim()}>
          Add note at {formatClock(now)}
        </Button>
      </form>
      {error != null && <InlineError>{errorMessage(error)}</InlineError>}
      {notes.length === 0 ? (
        <Empty>No notes yet.</Empty>
      ) : (
        <PaneScroll label="Notes">
          {notes.map((note) => (
            <div
              key={note.id}
              role="listitem"
              data-testid="note-row"
              className="border-b border-slate-100 px-2 py-2 text-sm"
            >
              <div className="flex items-start gap-2">
                <TimeButton ms={note.at_ms} onSeek={onSeek} />
                <p className="min-w-0 flex-1 break-words whitespace-pre-wrap text-slate-800">{note.text}</p>
                {user?.id === note.author.id && (
                  <button
                    type="button"
                    onClick={() => void remove(note)}
                    aria-label={`Delete note at ${formatClock(note.at_ms)}`}
                    className={`shrink-0 rounded text-slate-400 hover:text-rose-600 ${focusRing}`}
                  >
                    <TrashIcon />
                  </button>
                )}
              </div>
              <p className="mt-0.5 ml-14 text-xs text-slate-500">
                {note.author.email} · {formatRelative(note.created_at)}
              </p>
            </div>
          ))}
        </PaneScroll>
      )}
    </div>
  );
}
