#!/usr/bin/env bash
# Prints a Markdown table of the runs under a sweep directory: final test accuracy, its difference to the float row,
# and the programming pulses per training step (mean over the epochs), from each run's metrics.csv.
#
#   scripts/sweep-table.sh runs/device-sweep
set -euo pipefail
dir="${1:-runs/device-sweep}"
float=""
if [ -f "$dir/float/metrics.csv" ]; then
    float="$(tail -n 1 "$dir/float/metrics.csv" | cut -d, -f5)"
fi
echo "| run | test accuracy | vs float | pulses per step | epochs |"
echo "|---|---|---|---|---|"
for m in "$dir"/*/metrics.csv; do
    name="$(basename "$(dirname "$m")")"
    case "$name" in *.partial) continue ;; esac   # unfinished runs
    awk -F, -v name="$name" -v f="$float" 'NR > 1 { acc = $5; p += $10; n++ }
        END { d = (f == "") ? "" : sprintf("%+.2f pt", 100 * (acc - f));
              printf "| %s | %.2f%% | %s | %.0f | %d |\n", name, 100 * acc, d, p / n, n }' "$m"
done
