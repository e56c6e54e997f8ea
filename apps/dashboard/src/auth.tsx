// Who is logged in. GET /api/me (sent at startup: startup.ts) decides at
// start; any 401 afterwards (the login expired or was revoked) drops back to
// the login page.
import {createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState} from 'react';
import {onUnauthenticated} from './api/client';
import {api} from './api/endpoints';
import {takeMe} from './startup';
import type {User} from './api/types';

interface AuthState {
  // undefined while /api/me is in flight, null when logged out.
  user: User | null | undefined;
  // Set when /api/me itself failed for a reason other than 401.
  startupError: unknown;
  signedIn: (user: User) => void;
  logout: () => Promise<void>;
  retry: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({children}: {children: ReactNode}) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [startupError, setStartupError] = useState<unknown>(null);

  const check = useCallback(() => {
    setStartupError(null);
    takeMe().then(
      (me) => setUser(me.user ?? null),
      (error) => {
        if (error?.status === 401) setUser(null);
        else setStartupError(error);
      },
    );
  }, []);

  useEffect(check, [check]);
  useEffect(() => onUnauthenticated(() => setUser(null)), []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setUser(null);
    }
  }, []);

  const value = useMemo(
    () => ({user, startupError, signedIn: setUser, logout, retry: check}),
    [user, startupError, logout, check],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}
