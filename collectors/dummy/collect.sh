#!/bin/sh
# One row per run: the time and a pseudo-random measurement between 0 and 99.
set -eu
echo "::progress 0"
ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
value=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 100 ))
printf 'timestamp,value\n%s,%s\n' "$ts" "$value" > /output/dummy.csv
echo "dummy measured $value at $ts (run $MAOMAO_RUN_ID, attempt $MAOMAO_ATTEMPT)"
echo "::progress 100"
echo "::result {\"success\":true,\"msg\":\"one row\",\"data\":{\"value\":$value}}"
