#!/usr/bin/env bash
# `make run`: migrates, bootstraps an empty database (an admin account, a demo
# project and its ingest key, printed once), then starts the server with the
# embedded defaults. Usage: apps/server/run.sh <build-dir>
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
shift || true
cli="$build/apps/cli/incuera"
server="$build/apps/server/incuera-server"
mkdir -p -m 700 var  # private: the database, objects and secret key live here

"$cli" migrate >/dev/null
if [[ "$("$cli" user list --json)" == "[]" ]]; then
  email=${INCUERA_ADMIN_EMAIL:-admin@localhost}
  password=${INCUERA_ADMIN_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')}
  "$cli" user add --email "$email" --password "$password" --admin >/dev/null
  "$cli" project add --name "Demo" --slug demo --owner "$email" >/dev/null
  key=$("$cli" key create --project demo --owner "$email" --scope ingest --name "make run" | grep -o 'inc_[A-Za-z0-9_-]*')
  # Ingest keys are public (they sit in web pages); `make demo` reads this one.
  (umask 077 && echo "$key" > var/demo_ingest_key)
  port=${PORT:-8000}
  cat <<INFO

  First run: created an admin account and a demo project (shown once).
    dashboard:   http://127.0.0.1:$port/
    login:       $email
    password:    $password
    ingest key:  $key

  Send a test batch:
    curl -s -X POST http://127.0.0.1:$port/api/sessions/start -H 'X-API-Key: $key' \\
      -H 'Content-Type: application/json' -d '{"sessionId":"hello-1","metadata":{"url":"http://example.test/"}}'

  Record a site: add before </body>
    <script src="http://127.0.0.1:$port/sdk.js"></script>
    <script>new Incuera({apiKey: '$key', apiHost: 'http://127.0.0.1:$port'}).init();</script>

INFO
fi
echo "  Dashboard: http://127.0.0.1:${PORT:-8000}/   API docs: http://127.0.0.1:${PORT:-8000}/docs"
echo "  More users: $cli user add --email you@example.com --password '...'"
exec "$server" "$@"
