#!/usr/bin/env bash
# The protocol interop test: compiles Protos/ for Python with Debian's protoc, starts the
# built domainflow-server on a temporary socket, and runs test_protocol.py against it.
#   Tests/Interop/run.sh [path/to/domainflow-server]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
server="${1:-$root/.build/debug/domainflow-server}"
work="$(mktemp -d /tmp/df-interop.XXXXXX)"
server_pid=""
# Clean-up never changes the outcome: the exit status is the test's.
cleanup() {
  status=$?
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work" 2>/dev/null || true
  exit $status
}
trap cleanup EXIT

python3 -c 'import google.protobuf' 2>/dev/null || python3 -m pip install -q 'protobuf>=4.21,<5'
(cd "$root/Protos" && protoc --python_out="$work" domainflow/v1/*.proto)
touch "$work/domainflow/__init__.py" "$work/domainflow/v1/__init__.py"

# The server runs its own database in $work/pg; this uid maps to the first admin (peer trust),
# whose password is known here so the test can also log in by password.
chmod 755 "$work"
export DOMAINFLOW_ADMIN_PASSWORD="interop admin password"
"$server" --socket "$work/s.sock" --log-level warning --data-dir "$work/pg" --secret-key-file "$work/secret.key" --trust-peer-uid "$(id -u)=admin" &
server_pid=$!
for _ in $(seq 600); do [[ -S "$work/s.sock" ]] && break; sleep 0.1; done
DOMAINFLOW_SOCKET="$work/s.sock" PYTHONPATH="$work" python3 "$root/Tests/Interop/test_protocol.py"
