// Network capture: an rrweb record plugin that wraps fetch and XMLHttpRequest
// and emits one plugin event per finished request:
//   {type: 6, data: {plugin: "rrweb/network@1", payload: {requests: [NetworkRequest]}}}
// (npm has no stable rrweb network plugin for rrweb 2.x.) Method, URL, status,
// timings and sizes are always recorded; headers and bodies only for URLs the
// site allows, then through its masking hook, and bodies are capped.

import type { RecordPlugin } from '@rrweb/types';

export const NETWORK_PLUGIN = 'rrweb/network@1';

export interface NetworkRequest {
  /** absolute URL */
  url: string;
  method: string;
  initiatorType: 'fetch' | 'xmlhttprequest';
  /** HTTP status; 0 when the request failed before a response */
  status: number;
  /** epoch ms */
  startTime: number;
  /** epoch ms: when the response (fetch: its headers; XHR: its body) arrived or the request failed */
  endTime: number;
  failed?: boolean;
  /** short reason when failed: "network error", "aborted", "timeout" */
  error?: string;
  requestBytes?: number;
  responseBytes?: number;
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
}

export interface NetworkOptions {
  /** Record fetch and XHR requests (default true). */
  enabled?: boolean;
  /**
   * URLs whose headers and bodies may be recorded: a string matches when the
   * absolute URL starts with it, a RegExp when it matches. Default [] (none).
   */
  recordUrls?: Array<string | RegExp>;
  /** Header names (case-insensitive) recorded for those URLs. Default [] (none). */
  recordHeaders?: string[];
  /** Record text request/response bodies for those URLs (default false). */
  recordBodies?: boolean;
  /** Characters of a body kept; the rest is cut (default 10 000). */
  maxBodyLength?: number;
  /**
   * Sees every request before it is recorded and returns it (possibly with
   * fields changed or removed) or null to drop it. A hook that throws drops it.
   */
  maskRequest?: (request: NetworkRequest) => NetworkRequest | null;
}

export const DEFAULT_MAX_BODY_LENGTH = 10_000;

type Emit = (payload: { requests: NetworkRequest[] }) => void;

interface Settings {
  recordUrls: Array<string | RegExp>;
  recordHeaders: Set<string>;
  recordBodies: boolean;
  maxBodyLength: number;
  maskRequest?: (request: NetworkRequest) => NetworkRequest | null;
  /** absolute URL prefixes never recorded (the SDK's own ingest requests) */
  ignorePrefixes: string[];
}

/** Whether headers/bodies of `url` may be recorded. */
export function allowsDetails(url: string, allow: Array<string | RegExp>): boolean {
  return allow.some((a) => (typeof a === 'string' ? url.startsWith(a) : a.test(url)));
}

export function capBody(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;
}

/** Only the allowed header names, lower-cased. */
export function pickHeaders(entries: Iterable<[string, string]>, allowed: Set<string>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let any = false;
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    if (allowed.has(key)) {
      out[key] = value;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** Headers of an XHR's getAllResponseHeaders() text. */
export function parseHeaderBlock(block: string): Array<[string, string]> {
  return block
    .trim()
    .split(/[\r\n]+/)
    .map((line): [string, string] => {
      const i = line.indexOf(':');
      return [line.slice(0, i).trim(), line.slice(i + 1).trim()];
    })
    .filter(([name]) => name !== '');
}

const textEncoder = typeof TextEncoder === 'function' ? new TextEncoder() : null;
const utf8Length = (s: string): number => (textEncoder ? textEncoder.encode(s).length : s.length);

/** Size and text of a request body, where they can be known without consuming it. */
export function describeBody(body: unknown): { bytes?: number; text?: string } {
  if (body === null || body === undefined) return {};
  if (typeof body === 'string') return { bytes: utf8Length(body), text: body };
  if (body instanceof URLSearchParams) {
    const text = body.toString();
    return { bytes: utf8Length(text), text };
  }
  if (typeof Blob !== 'undefined' && body instanceof Blob) return { bytes: body.size };
  if (body instanceof ArrayBuffer) return { bytes: body.byteLength };
  if (ArrayBuffer.isView(body)) return { bytes: body.byteLength };
  return {};
}

const isTextual = (contentType: string | null): boolean =>
  !contentType || /^text\/|json|xml|javascript|x-www-form-urlencoded/i.test(contentType);

const contentLength = (value: string | null): number | undefined => {
  const n = value === null ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

function absolute(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

function failure(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'AbortError' ? 'aborted' : name === 'TimeoutError' ? 'timeout' : 'network error';
}

class Recorder {
  constructor(
    private readonly settings: Settings,
    private readonly emit: Emit,
    private readonly win: Window,
  ) {}

  /** Absolute against the page's current URL (history navigation changes it). */
  resolve(url: string): string {
    return absolute(url, this.win.location.href);
  }

  ignored(url: string): boolean {
    return this.settings.ignorePrefixes.some((p) => url.startsWith(p));
  }

  details(url: string): { headers: boolean; bodies: boolean } {
    const allowed = allowsDetails(url, this.settings.recordUrls);
    return { headers: allowed && this.settings.recordHeaders.size > 0, bodies: allowed && this.settings.recordBodies };
  }

  headers(entries: Iterable<[string, string]>): Record<string, string> | undefined {
    return pickHeaders(entries, this.settings.recordHeaders);
  }

  body(text: string): string {
    return capBody(text, this.settings.maxBodyLength);
  }

  record(request: NetworkRequest): void {
    let out: NetworkRequest | null = request;
    if (this.settings.maskRequest) {
      try {
        out = this.settings.maskRequest(request);
      } catch {
        out = null;
      }
    }
    if (out) this.emit({ requests: [out] });
  }
}

function wrapFetch(win: Window & typeof globalThis, rec: Recorder): () => void {
  const original = win.fetch;
  if (typeof original !== 'function') return () => undefined;
  const wrapped = function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const startTime = Date.now();
    const promise = original.call(this ?? win, input, init);
    try {
      track(input, init, promise, startTime);
    } catch {
      // recording must never break the page's request
    }
    return promise;
  };
  function track(input: RequestInfo | URL, init: RequestInit | undefined, promise: Promise<Response>, startTime: number): void {
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const url = rec.resolve(isRequest ? input.url : String(input));
    if (rec.ignored(url)) return;
    const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
    const want = rec.details(url);
    const sent = describeBody(init?.body);
    const req: NetworkRequest = { url, method, initiatorType: 'fetch', status: 0, startTime, endTime: startTime };
    if (sent.bytes !== undefined) req.requestBytes = sent.bytes;
    if (want.headers) {
      const h = new Headers(isRequest ? input.headers : undefined);
      new Headers(init?.headers).forEach((v, k) => h.set(k, v));
      req.requestHeaders = rec.headers(h.entries());
    }
    if (want.bodies && sent.text !== undefined) req.requestBody = rec.body(sent.text);
    promise.then(
      (res) => {
        req.status = res.status;
        req.endTime = Date.now();
        const size = contentLength(res.headers.get('content-length'));
        if (size !== undefined) req.responseBytes = size;
        if (want.headers) req.responseHeaders = rec.headers(res.headers.entries());
        if (!want.bodies || !isTextual(res.headers.get('content-type'))) return rec.record(req);
        res
          .clone()
          .text()
          .then(
            (text) => {
              req.responseBody = rec.body(text);
              if (req.responseBytes === undefined) req.responseBytes = utf8Length(text);
            },
            () => undefined,
          )
          .finally(() => rec.record(req));
      },
      (err: unknown) => {
        req.endTime = Date.now();
        req.failed = true;
        req.error = failure(err);
        rec.record(req);
      },
    );
  }
  win.fetch = wrapped as typeof fetch;
  return () => {
    if (win.fetch === wrapped) win.fetch = original;
  };
}

interface XhrState {
  method: string;
  url: string;
  headers: Array<[string, string]>;
}

function wrapXhr(win: Window & typeof globalThis, rec: Recorder): () => void {
  const proto = win.XMLHttpRequest?.prototype;
  if (!proto) return () => undefined;
  const { open, send, setRequestHeader } = proto;
  const states = new WeakMap<XMLHttpRequest, XhrState>();

  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    states.set(this, { method: String(method).toUpperCase(), url: rec.resolve(String(url)), headers: [] });
    return (open as (...a: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof proto.open;

  proto.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
    states.get(this)?.headers.push([name, value]);
    return setRequestHeader.call(this, name, value);
  };

  proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const state = states.get(this);
    if (state && !rec.ignored(state.url)) {
      try {
        track(this, state, body);
      } catch {
        // recording must never break the page's request
      }
    }
    return send.call(this, body);
  };

  function track(xhr: XMLHttpRequest, state: XhrState, body: unknown): void {
    const startTime = Date.now();
    const want = rec.details(state.url);
    const sent = describeBody(body);
    const req: NetworkRequest = {
      url: state.url,
      method: state.method,
      initiatorType: 'xmlhttprequest',
      status: 0,
      startTime,
      endTime: startTime,
    };
    if (sent.bytes !== undefined) req.requestBytes = sent.bytes;
    if (want.headers) req.requestHeaders = rec.headers(state.headers);
    if (want.bodies && sent.text !== undefined) req.requestBody = rec.body(sent.text);
    let error: string | undefined;
    const onFail = (reason: string) => () => {
      error = reason;
    };
    xhr.addEventListener('error', onFail('network error'));
    xhr.addEventListener('abort', onFail('aborted'));
    xhr.addEventListener('timeout', onFail('timeout'));
    xhr.addEventListener('loadend', () => {
      req.endTime = Date.now();
      req.status = xhr.status;
      if (error !== undefined || xhr.status === 0) {
        req.failed = true;
        req.error = error ?? 'network error';
        return rec.record(req);
      }
      const size = contentLength(xhr.getResponseHeader('content-length'));
      const textual = (xhr.responseType === '' || xhr.responseType === 'text') && isTextual(xhr.getResponseHeader('content-type'));
      if (size !== undefined) req.responseBytes = size;
      else if (textual) req.responseBytes = utf8Length(xhr.responseText);
      else if (xhr.response instanceof ArrayBuffer) req.responseBytes = xhr.response.byteLength;
      else if (typeof Blob !== 'undefined' && xhr.response instanceof Blob) req.responseBytes = xhr.response.size;
      if (want.headers) req.responseHeaders = rec.headers(parseHeaderBlock(xhr.getAllResponseHeaders()));
      if (want.bodies && textual) req.responseBody = rec.body(xhr.responseText);
      rec.record(req);
    });
  }

  return () => {
    proto.open = open;
    proto.send = send;
    proto.setRequestHeader = setRequestHeader;
  };
}

/**
 * The rrweb record plugin. `ignorePrefixes` are absolute URL prefixes never
 * recorded — the SDK passes its ingest endpoints.
 */
export function getRecordNetworkPlugin(options: NetworkOptions, ignorePrefixes: string[]): RecordPlugin<Settings> {
  return {
    name: NETWORK_PLUGIN,
    options: {
      recordUrls: options.recordUrls ?? [],
      recordHeaders: new Set((options.recordHeaders ?? []).map((h) => h.toLowerCase())),
      recordBodies: options.recordBodies ?? false,
      maxBodyLength: options.maxBodyLength ?? DEFAULT_MAX_BODY_LENGTH,
      maskRequest: options.maskRequest,
      ignorePrefixes,
    },
    observer: (cb, win, settings) => {
      const w = win as Window & typeof globalThis;
      const rec = new Recorder(settings, cb as Emit, w);
      const restore = [wrapFetch(w, rec), wrapXhr(w, rec)];
      return () => restore.forEach((r) => r());
    },
  };
}
