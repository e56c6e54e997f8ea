// The signed-in user's password change (POST /api/auth/password). Every other
// login of the user is signed out; this tab gets a new cookie and stays in.
import {useEffect, useState} from 'react';
import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import {Dialog} from './Dialog';
import {Button, InlineError, TextField} from './ui';

export function ChangePasswordDialog({open, onClose}: {open: boolean; onClose: () => void}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!open) return;
    setCurrent('');
    setNext('');
    setRepeat('');
    setError(null);
    setDone(false);
  }, [open]);

  const mismatch = repeat !== '' && repeat !== next;
  const submit = async () => {
    if (mismatch || busy) return;
    setBusy(true);
    setError(null);
    try {
      await api.changePassword(current, next);
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Change password"
      onSubmit={done ? onClose : () => void submit()}
      footer={
        done ? (
          <Button type="submit" variant="primary">
            Close
          </Button>
        ) : (
          <>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" busy={busy} disabled={mismatch}>
              Change password
            </Button>
          </>
        )
      }
    >
      {done ? (
        <p role="status">Your password was changed. Every other sign-in of your account was signed out.</p>
      ) : (
        <>
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            hint="At least 8 characters."
          />
          <TextField
            label="Repeat the new password"
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            hint={mismatch ? 'The two new passwords differ.' : undefined}
          />
          {error != null && <InlineError>{errorMessage(error)}</InlineError>}
        </>
      )}
    </Dialog>
  );
}
