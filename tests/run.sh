#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine with the .NET SDK:
# installs what is missing (Node.js packages for the oracles, redis-server, chromium), then runs
# `dotnet test` over the solution. CI (.ci/run) calls exactly this script. The failover tests run
# the same redis-server binary as sentinels (`redis-server sentinel.conf --sentinel`), so Debian's
# redis-server package is all Redis needs; no redis-sentinel package.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# The HTTP/JSON examples of the README are run with the real curl.
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
# The map page's tests drive Debian's Chromium headless (Playwright, no downloaded browser).
[ -x /usr/bin/chromium ] || [ -n "${GEOASSIGN_CHROMIUM:-}" ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing ${need_apt[*]} with apt-get"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # The Debian package starts a system-wide Redis on 6379; the tests start their own.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
fi

echo "==> installing the oracle packages (h3-js and datasets, pinned by tests/oracle/package-lock.json)"
(cd tests/oracle && npm ci --no-audit --no-fund --loglevel=error)
echo "==> installing the foreign gRPC client (grpc-js, pinned by tests/interop/package-lock.json)"
(cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)

echo "==> dotnet test"
dotnet test GeoAssign.sln -c Release --nologo "$@"
