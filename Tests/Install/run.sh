#!/usr/bin/env bash
# The installation, tested without systemd: Scripts/install into a temporary prefix installs every file;
# the installed server, started the way systemd's socket activation starts it (a listening socket as
# descriptor 3, LISTEN_FDS=1, LISTEN_PID=its pid), answers Ping on that socket and leaves the socket
# file to its owner; Scripts/uninstall removes every installed file.
# Needs DOMAINFLOW_TEST_DATABASE_URL (Scripts/test sets it) and a debug build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
: "${DOMAINFLOW_TEST_DATABASE_URL:?run through Scripts/test, which starts PostgreSQL}"
tmp=$(mktemp -d /tmp/df-install.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "install test: $*" >&2; exit 1; }

prefix="$tmp/usr/local"
units="$tmp/etc/systemd/system"
"$root/Scripts/install" --prefix "$prefix" --unit-dir "$units" --no-user --no-systemctl --configuration debug --skip-build

for b in domainflow domainflow-server domainflow-loadtest; do
  [ -x "$prefix/bin/$b" ] || fail "missing $prefix/bin/$b"
  [ -s "$prefix/share/bash-completion/completions/$b" ] || fail "missing the bash completion of $b"
  [ -s "$prefix/share/zsh/site-functions/_$b" ] || fail "missing the zsh completion of $b"
  [ -s "$prefix/share/fish/vendor_completions.d/$b.fish" ] || fail "missing the fish completion of $b"
  [ -s "$prefix/share/man/man1/$b.1" ] || fail "missing the man page $b.1"
done
grep -q "campaign" "$prefix/share/bash-completion/completions/domainflow" || fail "the bash completion does not know the subcommands"
[ -s "$prefix/share/man/man1/domainflow.campaign.create.1" ] || ls "$prefix/share/man/man1" | grep -q "campaign" \
  || fail "no man page for the campaign subcommands"
grep -q "ExecStart=$prefix/bin/domainflow-server " "$units/domainflow.service" || fail "the unit does not run the installed server"
for setting in "User=domainflow" "RuntimeDirectory=domainflow" "StateDirectory=domainflow" "ProtectSystem=strict" \
               "PrivateTmp=yes" "NoNewPrivileges=yes"; do
  grep -qx "$setting" "$units/domainflow.service" || fail "domainflow.service lacks $setting"
done
grep -qx "ListenStream=/run/domainflow/domainflow.sock" "$units/domainflow.socket" || fail "domainflow.socket listens elsewhere"
manifest="$prefix/share/domainflow/install-manifest.txt"
while IFS= read -r file; do [ -e "$file" ] || fail "listed but not installed: $file"; done < "$manifest"

# Socket activation: the socket made and passed the way systemd makes and passes it.
db="t_install_$$"
psql "$DOMAINFLOW_TEST_DATABASE_URL" -qc "CREATE DATABASE $db"
socket="$tmp/activated.sock"
python3 - "$socket" "$prefix/bin/domainflow-server" "$DOMAINFLOW_TEST_DATABASE_URL dbname=$db" "$tmp/server.log" "$tmp/server.pid" <<'PY'
import os, socket, sys
path, server, database, log, pidfile = sys.argv[1:6]
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(path)
os.chmod(path, 0o660)
listener.listen(128)
pid = os.fork()
if pid == 0:
    os.dup2(listener.fileno(), 3)  # SD_LISTEN_FDS_START
    os.set_inheritable(3, True)
    env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="domainflow.socket",
               DOMAINFLOW_ADMIN_PASSWORD="install test admin password")
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1); os.dup2(out, 2)
    os.execve(server, [server, "--database-url", database, "--log-level", "info", "--engine-workers", "0",
                       "--secret-key-file", os.path.dirname(path) + "/secret.key"], env)
with open(pidfile, "w") as f:
    f.write(str(pid))
PY
server_pid=$(cat "$tmp/server.pid")
ok=0
for _ in $(seq 1 300); do
  if "$prefix/bin/domainflow" ping --socket "$socket" --count 3 >"$tmp/ping.out" 2>&1; then ok=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; fail "the server exited"; }
  sleep 0.1
done
[ "$ok" = 1 ] || { cat "$tmp/ping.out" "$tmp/server.log" >&2; fail "no Ping answer on the passed socket"; }
grep -q '"inherited": "true"\|inherited=true' "$tmp/server.log" || { cat "$tmp/server.log" >&2; fail "the server did not say it serves the passed socket"; }
kill -TERM "$server_pid"
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server_pid" 2>/dev/null && fail "the server did not stop on SIGTERM"
server_pid=
[ -S "$socket" ] || fail "the server removed a socket it did not create"
psql "$DOMAINFLOW_TEST_DATABASE_URL" -qc "DROP DATABASE $db" || true

"$root/Scripts/uninstall" --prefix "$prefix"
[ -z "$(find "$prefix" "$units" -type f 2>/dev/null)" ] || { find "$prefix" "$units" -type f >&2; fail "files left after uninstall"; }
echo "install test: passed (every file installed and removed; Ping answered on a socket passed as systemd passes it)"
