#!/bin/sh
# Batch import of heavy queries (prome-shard-records-import.service, installed by the
# prome-shard-coordinator package): every Prometheus query log (*.log) in $RECORDS_INPUT_DIR through
# `prome-shard-coordinator records import`. Settings come from the environment (the service reads
# /etc/default/prome-shard-records-import or /etc/sysconfig/prome-shard-records-import). An import is
# idempotent: an expression already registered is not added again. Exit 0 when every log was
# imported (or there was none), 1 when one failed or the input directory is missing.
set -u
coordinator=${PROME_SHARD_COORDINATOR:-/usr/bin/prome-shard-coordinator}
dir=${RECORDS_INPUT_DIR:-/var/lib/prome-shard/query-logs}
config=${RECORDS_CONFIG:-/etc/prome-shard/coordinator.yml}

if [ ! -d "$dir" ]; then
  echo "prome-shard-records-import: input directory $dir does not exist (RECORDS_INPUT_DIR)" >&2
  exit 1
fi

import_one() {
  set -- records import --config "$config" --query-log "$1" \
    --min-duration "${RECORDS_MIN_DURATION:-1s}"
  if [ -n "${RECORDS_ARCHIVE_DIR:-}" ]; then
    set -- "$@" --archive-dir "$RECORDS_ARCHIVE_DIR"
  fi
  if [ -n "${RECORDS_REDIS:-}" ]; then
    set -- "$@" --redis "$RECORDS_REDIS"
  fi
  if [ -n "${RECORDS_REDIS_PASSWORD_FILE:-}" ]; then
    set -- "$@" --redis-password-file "$RECORDS_REDIS_PASSWORD_FILE"
  fi
  "$coordinator" "$@"
}

found=0
failed=0
for log in "$dir"/*.log; do
  [ -f "$log" ] || continue
  found=$((found + 1))
  echo "prome-shard-records-import: importing $log"
  if ! import_one "$log"; then
    echo "prome-shard-records-import: import of $log failed" >&2
    failed=$((failed + 1))
  fi
done
if [ "$found" -eq 0 ]; then
  echo "prome-shard-records-import: no query logs (*.log) in $dir: nothing to import"
fi
[ "$failed" -eq 0 ]
