#!/usr/bin/env bash
# step.sh NAME "what it does" LOG COMMAND...: runs one install step with a
# line before and after it (with the elapsed time), its output in LOG; on
# failure, the last lines of LOG.
set -uo pipefail
name=$1 what=$2 log=$3
shift 3
start=$(date +%s)
echo "==> $name: $what"
mkdir -p "$(dirname "$log")"
if "$@" >"$log" 2>&1; then
  echo "    $name: done in $(($(date +%s) - start))s"
else
  echo "    $name: FAILED after $(($(date +%s) - start))s; the end of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
