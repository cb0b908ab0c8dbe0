#!/bin/sh
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests (`make postgres`, run by `make test`).
# Writes its URL to $OUT/url, or why it could not start to $OUT/skip; never fails the build.
# `tests/pg_cluster.sh OUT stop` stops it.
set -u
OUT=${1:-.postgres}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
DIR=/tmp/coopqa-pg-$(id -u)-$(printf '%s' "$OUT" | md5sum | cut -c1-10)
skip() { rm -f "$OUT/url"; echo "$1" > "$OUT/skip"; echo "postgres: skipped: $1"; exit 0; }
bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

if [ "$(id -u)" = 0 ]; then
  OWNER=postgres
  as_owner() { su "$OWNER" -s /bin/sh -c "$1"; }
else
  OWNER=$(id -un)
  as_owner() { sh -c "$1"; }
fi

BIN=$(bindir)
if [ "${2:-start}" = stop ]; then
  [ -n "$BIN" ] && [ -d "$DIR/data" ] && as_owner "$BIN/pg_ctl -D $DIR/data -m fast stop" >/dev/null 2>&1
  rm -rf "$DIR" "$OUT/url"
  exit 0
fi
rm -f "$OUT/skip"
if [ -z "$BIN" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } \
      >"$OUT/apt.log" 2>&1 || skip "apt-get install postgresql failed (see $OUT/apt.log)"
    BIN=$(bindir)
  fi
  [ -n "$BIN" ] || skip "PostgreSQL is not installed and cannot be installed here (needs root and apt-get)"
fi
id "$OWNER" >/dev/null 2>&1 || skip "no '$OWNER' user to run PostgreSQL as"

if [ -f "$DIR/url" ] && as_owner "$BIN/pg_ctl -D $DIR/data status" >/dev/null 2>&1; then
  cp "$DIR/url" "$OUT/url"
  echo "postgres: running at $(sed 's/:[^:@]*@/:***@/' "$OUT/url")"
  exit 0
fi
[ -d "$DIR/data" ] && as_owner "$BIN/pg_ctl -D $DIR/data -m immediate stop" >/dev/null 2>&1
rm -rf "$DIR"
mkdir -p "$DIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
printf '%s\n' "$PASSWORD" > "$DIR/pw"
chown -R "$OWNER" "$DIR" && chmod 700 "$DIR"
as_owner "$BIN/initdb -D $DIR/data -U coopqa --pwfile=$DIR/pw --auth-local=trust --auth-host=scram-sha-256 --no-sync" \
  >"$OUT/initdb.log" 2>&1 || skip "initdb failed (see $OUT/initdb.log)"
as_owner "$BIN/pg_ctl -D $DIR/data -l $DIR/log -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off\" start" \
  >"$OUT/pg_ctl.log" 2>&1 || skip "pg_ctl start failed (see $DIR/log)"
as_owner "$BIN/createdb -h $DIR -p $PORT -U coopqa coopqa_test" >>"$OUT/pg_ctl.log" 2>&1 \
  || skip "createdb failed (see $OUT/pg_ctl.log)"
echo "postgresql://coopqa:$PASSWORD@127.0.0.1:$PORT/coopqa_test" > "$DIR/url"
chmod 600 "$DIR/url"
cp "$DIR/url" "$OUT/url"
chmod 600 "$OUT/url"
echo "postgres: started on 127.0.0.1:$PORT ($DIR)"
