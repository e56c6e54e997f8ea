import {type FormEvent, useState} from 'react';
import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import {useAuth} from '../auth';
import {LogoIcon} from '../components/icons';
import {Button, InlineError, TextField} from '../components/ui';
import {useTitle} from '../lib/useTitle';

export function LoginPage() {
  const {signedIn} = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useTitle('Sign in');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const {user} = await api.login(email.trim(), password);
      signedIn(user);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center gap-3 text-center">
          <LogoIcon className="size-11" />
          <h1 className="text-xl font-semibold tracking-tight">Sign in to Incuera</h1>
          <p className="text-sm text-slate-500">Session replays, videos and analysis for your sites.</p>
        </div>
        <form onSubmit={submit} className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {error != null && <InlineError>{errorMessage(error)}</InlineError>}
          <Button type="submit" variant="primary" className="w-full" busy={busy}>
            Sign in
          </Button>
        </form>
        <p className="mt-6 text-center text-xs text-slate-500">
          No account? An administrator can add one with <code className="font-mono">incuera user add</code>.
        </p>
      </div>
    </main>
  );
}
