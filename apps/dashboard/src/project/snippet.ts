// The <script> lines a site owner pastes into their pages. The SDK is served
// by this same server, so the dashboard's origin is also the API host.
export function installSnippet(apiKey: string, origin = window.location.origin): string {
  return `<script src="${origin}/sdk.js"></script><script>new Incuera({apiKey:'${apiKey}', apiHost:'${origin}'}).init();</script>`;
}

export const keyPlaceholder = 'YOUR_INGEST_KEY';
