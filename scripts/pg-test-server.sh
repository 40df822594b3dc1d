#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL cluster for the test suite and print its
# SQLAlchemy URL on stdout, e.g.
#   postgresql+psycopg://screenwise:<password>@127.0.0.1:<port>/screenwise_test
#
# Usage:
#   scripts/pg-test-server.sh          start or reuse the cluster, print the URL
#   scripts/pg-test-server.sh stop     stop the cluster and delete its files
#
# The cluster is for tests only: data under $SCREENWISE_PG_DIR (default
# /tmp/screenwise-pg-test), no durability (fsync off), TCP on 127.0.0.1 only (never
# another address) on a free port, a Unix socket inside that directory, password
# authentication with a password generated here. PostgreSQL refuses to run as root, so as
# root the server runs as the `postgres` system user (created by Debian's package).
# PostgreSQL is installed with apt-get only when no server binaries are found.
#
# $SCREENWISE_PG_DIR must be a path the `postgres` user can reach (not under /root).
#
# Idempotent: a running cluster is reused (same URL); a cluster that is not running (for
# example after a reboot or a killed session) is wiped and created afresh. Concurrent
# calls are serialised with flock. Progress goes to stderr; stdout carries only the URL.
set -euo pipefail

DIR="${SCREENWISE_PG_DIR:-/tmp/screenwise-pg-test}"
DB="${SCREENWISE_PG_DB:-screenwise_test}"
ROLE="screenwise"
DATA="$DIR/data"
SOCK="$DIR/sock"
LOG="$DIR/server.log"
case "$DIR" in /*/*) ;; *) printf 'pg-test-server: refusing SCREENWISE_PG_DIR=%s (need an absolute path below a folder)\n' "$DIR" >&2; exit 1 ;; esac

say() { printf 'pg-test-server: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

find_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$dir" && -x "$dir/postgres" && -x "$dir/initdb" ]]; then
        printf '%s\n' "$dir"
    fi
}

install_postgresql() {
    [[ "$(id -u)" == 0 ]] || die "PostgreSQL server is not installed and this is not root: apt-get install postgresql"
    say "PostgreSQL server not found: installing Debian's postgresql package"
    # Keep the package's own 'main' cluster from being started by the install
    # (policy-rc.d exit 101 = "action not allowed"); only our cluster runs.
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod 755 "$policy"
        added_policy=1
    fi
    local rc=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
    } >&2 || rc=$?
    [[ "$added_policy" == 1 ]] && rm -f "$policy"
    [[ "$rc" == 0 ]] || die "apt-get install postgresql failed (exit $rc)"
}

# Run a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# A port the kernel reports free on 127.0.0.1 (a random high port without python3); a port
# taken between this check and the server's bind makes start_cluster try another.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
        printf '%s\n' "$((20000 + RANDOM % 40000))"
}

url() {
    printf 'postgresql+psycopg://%s:%s@127.0.0.1:%s/%s\n' "$ROLE" "$(cat "$DIR/password")" "$(cat "$DIR/port")" "$DB"
}

running() {
    [[ -f "$DIR/port" && -f "$DIR/password" && -f "$DATA/PG_VERSION" ]] &&
        as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1 &&
        "$BIN/pg_isready" -q -h 127.0.0.1 -p "$(cat "$DIR/port")" -t 2
}

stop_cluster() {
    if [[ -f "$DATA/PG_VERSION" ]]; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
}

init_cluster() {
    rm -rf "$DIR"
    mkdir -p "$DIR" "$SOCK"
    chmod 700 "$DIR"
    head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$DIR/password"
    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' system user to run the server as"
        chown -R postgres: "$DIR"
    fi
    # initdb reads the superuser's password from a file; it is removed right after.
    as_owner "$BIN/initdb" -D "$DATA" -U "$ROLE" --pwfile="$DIR/password" \
        --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    cat >> "$DATA/postgresql.conf" <<EOF

# screenwise test cluster: loopback only, no durability, small footprint.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 32MB
timezone = 'UTC'
log_min_messages = warning
EOF
}

start_cluster() {
    local attempt port
    for attempt in 1 2 3; do
        port="$(free_port)"
        if as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o "-p $port" start >/dev/null 2>&1 9>&-; then
            printf '%s\n' "$port" > "$DIR/port"
            return 0
        fi
        say "start on port $port failed (attempt $attempt); log tail:"
        tail -n 5 "$LOG" >&2 || true
    done
    die "PostgreSQL did not start; see $LOG"
}

ensure_database() {
    local port exists
    port="$(cat "$DIR/port")"
    export PGPASSWORD
    PGPASSWORD="$(cat "$DIR/password")"
    exists="$("$BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U "$ROLE" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB'")" || die "cannot connect to the test cluster"
    if [[ "$exists" != 1 ]]; then
        "$BIN/createdb" -h 127.0.0.1 -p "$port" -U "$ROLE" "$DB" || die "createdb $DB failed"
    fi
}

main() {
    BIN="$(find_bindir)"
    if [[ "${1:-start}" == stop ]]; then
        [[ -n "$BIN" ]] && stop_cluster
        say "stopped"
        return 0
    fi
    [[ "${1:-start}" == start ]] || die "usage: $0 [start|stop]"
    if [[ -z "$BIN" ]]; then
        install_postgresql
        BIN="$(find_bindir)"
        [[ -n "$BIN" ]] || die "PostgreSQL server binaries still missing after apt-get install"
    fi
    mkdir -p "$(dirname "$DIR")"
    exec 9>"$DIR.lock"
    flock -w 120 9 || die "another pg-test-server.sh holds $DIR.lock"
    if running; then
        say "reusing the running cluster in $DIR"
    else
        say "creating a cluster in $DIR ($("$BIN/postgres" --version))"
        stop_cluster
        init_cluster
        start_cluster
    fi
    ensure_database
    url
}

main "$@"
