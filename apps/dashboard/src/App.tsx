import {useEffect, useState} from 'react';
import {errorMessage} from './api/client';
import {AuthProvider, useAuth} from './auth';
import {ChangePasswordDialog} from './components/ChangePasswordDialog';
import {LogoIcon} from './components/icons';
import {Button, Loading, Notice} from './components/ui';
import {focusRing} from './components/ui';
import {LoginPage} from './pages/LoginPage';
import {NotFoundPage} from './pages/NotFoundPage';
import {ProjectPage, type ProjectTab} from './pages/ProjectPage';
import {ProjectsPage} from './pages/ProjectsPage';
import {SessionPage} from './pages/SessionPage';
import {Link, matchPath, navigate, usePathname} from './lib/router';

export function App() {
  return (
    <AuthProvider>
      <Gate />
    </AuthProvider>
  );
}

function Gate() {
  const {user, startupError, retry} = useAuth();
  const pathname = usePathname();
  useEffect(() => {
    if (user && pathname === '/login') navigate('/', {replace: true});
  }, [user, pathname]);

  if (startupError)
    return (
      <Notice
        tone="red"
        title="The dashboard cannot reach the server"
        action={<Button onClick={retry}>Try again</Button>}
      >
        {errorMessage(startupError)}
      </Notice>
    );
  if (user === undefined) return <Loading />;
  // Logged out on any path: sign in here and stay on the page that was asked for.
  if (user === null) return <LoginPage />;
  return (
    <div className="flex min-h-screen flex-col">
      <Header email={user.email} />
      <main className="mx-auto w-full max-w-7xl min-w-0 flex-1 px-4 py-6 sm:px-6">
        <Routes pathname={pathname} />
      </main>
    </div>
  );
}

function Header({email}: {email: string}) {
  const {logout} = useAuth();
  const [changingPassword, setChangingPassword] = useState(false);
  return (
    <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur">
      <div className="mx-auto flex h-14 max-w-7xl items-center justify-between gap-3 px-4 sm:px-6">
        <Link to="/" className={`flex items-center gap-2 rounded-md font-semibold tracking-tight ${focusRing}`}>
          <LogoIcon className="size-7" />
          Incuera
        </Link>
        <div className="flex min-w-0 items-center gap-3">
          <span className="hidden truncate text-sm text-slate-500 sm:block" title={email}>
            {email}
          </span>
          <Button size="sm" variant="ghost" onClick={() => setChangingPassword(true)}>
            Change password
          </Button>
          <Button size="sm" variant="ghost" onClick={() => void logout()}>
            Log out
          </Button>
        </div>
      </div>
      <ChangePasswordDialog open={changingPassword} onClose={() => setChangingPassword(false)} />
    </header>
  );
}

const projectTabs: [string, ProjectTab][] = [
  ['/projects/:ref', 'sessions'],
  ['/projects/:ref/keys', 'keys'],
  ['/projects/:ref/settings', 'settings'],
];

function Routes({pathname}: {pathname: string}) {
  if (pathname === '/' || pathname === '/login') return <ProjectsPage />;
  for (const [pattern, tab] of projectTabs) {
    const params = matchPath(pattern, pathname);
    if (params) return <ProjectPage projectRef={params.ref} tab={tab} />;
  }
  const session = matchPath('/sessions/:id', pathname);
  if (session) return <SessionPage key={session.id} sessionId={session.id} />;
  return <NotFoundPage />;
}
