#!/usr/bin/env bash
# The consumer example, end to end: build and pack the package, install the tarball here as a
# new user would (with pinned Effect 3 packages, one copy of effect), compile with tsc, then run
# with plain node against a fresh database, and use the package's CLI through npx.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

echo "== pack"
packed=$(mktemp -d)
trap 'rm -rf "$packed"' EXIT
(cd "$root" && npm pack --silent --pack-destination "$packed" >/dev/null)
cp "$packed"/starmile-hub-*.tgz "$here/starmile-hub.tgz"

cd "$here"
echo "== install the tarball"
rm -rf node_modules package-lock.json dist
npm install --no-audit --no-fund --loglevel=error
copies=$(npm ls effect --all --parseable | sort -u | wc -l)
npm ls effect --all | grep -m1 "effect@" || true
if [ "$copies" -ne 1 ]; then npm ls effect --all; echo "expected one copy of effect, found $copies"; exit 1; fi
echo "one copy of effect"

echo "== tsc"
npx tsc -p tsconfig.json

# The machine's PostgreSQL when it answers, the embedded server otherwise.
if [ -z "${DATABASE_URL:-}" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  export DATABASE_URL=postgres://root@127.0.0.1:5432/postgres
fi

echo "== run"
"$root/node_modules/.bin/tsx" fresh-database.ts bash -c '
  set -e
  node dist/main.js
  echo "== the CLI from the package"
  npx starmile --version
  npx starmile migrate
  npx starmile jobs run resolve-pending-mappings
  npx starmile jobs list'
