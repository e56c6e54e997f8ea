// One fetch wrapper for the admin API: JSON in and out, the login cookie on
// every call, the server's error envelope turned into ApiError, and any 401
// reported once so the app can drop back to the login page.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  // Seconds from a 429's Retry-After header, when the server sent one.
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

// Called whenever an authenticated call answers 401 (expired or revoked login).
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

interface RequestOptions {
  body?: unknown;
  // Login answers 401 for a wrong password; that is a form error, not a logout.
  allowUnauthenticated?: boolean;
  signal?: AbortSignal;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let code = 'internal';
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    if (body?.error) {
      code = String(body.error.code ?? code);
      message = String(body.error.message ?? message);
    }
  } catch {
    // Not JSON (a proxy page, an empty body): keep the status line.
  }
  const retry = Number(response.headers.get('Retry-After'));
  return new ApiError(response.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : null);
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {Accept: 'application/json'};
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, {method, headers, body, credentials: 'same-origin', signal: options.signal});
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'unavailable', 'The server cannot be reached. Check that incuera-server is running.');
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && !options.allowUnauthenticated) {
      unauthenticatedListeners.forEach((listener) => listener());
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const wait = error.retryAfter
        ? ` Try again in ${formatWait(error.retryAfter)}.`
        : ' Wait a moment and try again.';
      return `Too many attempts.${wait}`;
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
