#!/usr/bin/env bash
# Runs the test suite beside busy CPU loops (six by default: load ≈ 8 on a 2-core machine, as when
# other work shares it) and prints wall time, load average and the pass/fail summary.
#
#   scripts/suite-under-load.sh                 # npm test beside six loops
#   LOOPS=0 scripts/suite-under-load.sh         # the same run on a quiet machine, to compare
#   scripts/suite-under-load.sh npx vitest run test/x.test.ts   # another command
set -u

LOOPS="${LOOPS:-6}"
if [ "$#" -eq 0 ]; then set -- npm test; fi
LOG="$(mktemp -t suite-under-load.XXXXXX.log)"

pids=()
stop_loops() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  pids=()
}
trap stop_loops EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 "$LOOPS"); do
  node -e 'for (;;) {}' &
  pids+=("$!")
done

echo "running: $* (beside $LOOPS busy loops; output in $LOG)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
"$@" 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
end=$(date +%s)
load="$(cut -d' ' -f1-3 /proc/loadavg)"
stop_loops

elapsed=$((end - start))
echo
echo "=== suite under load ==="
echo "command:      $*"
echo "busy loops:   $LOOPS"
echo "wall time:    $((elapsed / 60)) min $((elapsed % 60)) s"
echo "load average: $load (1, 5, 15 min, at the end)"
echo "exit status:  $status"
# vitest's summary lines ("Test Files", "Tests", "Duration"), colour codes stripped.
summary="$(sed 's/\x1b\[[0-9;]*m//g' "$LOG" | grep -E '^ *(Test Files|Tests|Duration) ' || true)"
if [ -n "$summary" ]; then echo "$summary"; fi
failed="$(sed 's/\x1b\[[0-9;]*m//g' "$LOG" | grep -E '^ *FAIL ' | sort -u || true)"
if [ -n "$failed" ]; then
  echo "failed:"
  echo "$failed"
fi
exit "$status"
