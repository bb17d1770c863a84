#!/bin/sh
# Appends one row of the kernel's load averages and task counts.
set -eu
ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
read -r l1 l5 l15 tasks _ < /proc/loadavg
running=${tasks%/*}
total=${tasks#*/}
printf 'timestamp,load1,load5,load15,running,total\n%s,%s,%s,%s,%s,%s\n' \
  "$ts" "$l1" "$l5" "$l15" "$running" "$total" > /output/loadavg.csv
echo "load $l1 $l5 $l15 at $ts"
