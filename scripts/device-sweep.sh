#!/usr/bin/env bash
# The device sweep of the README (issue 3, result 8): the dense model of result (a) (784-512-10, 20 epochs) on the full
# Fashion-MNIST, once in float and once per row below, each on the crossbar with one non-ideality or one preset.
#
#   scripts/device-sweep.sh [DATA_DIR] [OUT_DIR]        then   scripts/sweep-table.sh OUT_DIR
#
# DATA_DIR defaults to /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist), OUT_DIR to
# runs/device-sweep. Runs go two at a time, one thread each (set JOBS to change); a row whose run directory exists is
# skipped, so the script resumes after an interruption. FFEBM names the launcher (default: ./ffebm of this checkout);
# SKIP is a regular expression of row names to leave out (e.g. SKIP='trains|pcm').
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
data="${1:-/usr/share/datasets/fashion-mnist}"
out="${2:-$root/runs/device-sweep}"
ffebm="${FFEBM:-$root/ffebm}"
jobs="${JOBS:-2}"
mkdir -p "$out"

# name | arguments after the common ones. "Alone" rows change one knob family of the ideal device to the strength of
# the preset named in brackets (see ./ffebm devices); stuck-at faults and the 8-bit converters are this sweep's choice.
rows=$(cat <<'ROWS'
float|
ideal-program|--device ideal --set ffebm.update.mode=program
ideal-pulsed|--device ideal
ideal-pulsed-nearest|--device ideal --set ffebm.update.rounding=nearest
ideal-trains|--device ideal --set ffebm.update.mode=stochastic
asymmetry|--device ideal --set ffebm.device.asymmetry=-0.25
soft-bounds|--device ideal --set ffebm.device.step-model=linear --set ffebm.device.gamma-up=1 --set ffebm.device.gamma-down=1
cycle-noise|--device ideal --set ffebm.device.cycle-noise=0.3
variability|--device ideal --set ffebm.device.step-d2d=0.3 --set ffebm.device.bounds-d2d=0.15 --set ffebm.device.asymmetry-d2d=0.01
read-noise|--device ideal --set ffebm.device.read-noise-relative=0.04
write-noise|--device ideal --set ffebm.device.write-noise=3.4e-7
stuck-1pct|--device ideal --set ffebm.device.stuck-fraction=0.01 --set ffebm.device.stuck-mode=mixed
drift|--device ideal --set ffebm.device.drift-nu=0.05 --set ffebm.device.drift-nu-d2d=0.02 --set ffebm.device.drift-t0=20 --set ffebm.update.step-seconds=1
converters-8bit|--device ideal --set ffebm.dac.bits=8 --set ffebm.dac.clip=true --set ffebm.adc.bits=8 --set ffebm.adc.clip=true
levels-16|--device ideal --set ffebm.device.levels=16 --set ffebm.device.step-size=6.666666666666667e-7
levels-64|--device ideal --set ffebm.device.levels=64 --set ffebm.device.step-size=1.5873015873015873e-7
levels-256|--device ideal --set ffebm.device.levels=256 --set ffebm.device.step-size=3.9215686274509804e-8
rpu-gokmen-vlasov|--device rpu-gokmen-vlasov
reram-softbounds|--device reram-softbounds
ecram-linear|--device ecram-linear
pcm-exponential|--device pcm-exponential
ROWS
)

run_row() {
    local name="${1%%|*}" args="${1#*|}"
    if [ -d "$out/$name" ]; then
        echo "skip $name (done)"
        return 0
    fi
    # shellcheck disable=SC2086
    if "$ffebm" train --config "$root/configs/dense-dhn512.properties" --data "$data" --threads 1 \
            --out "$out/$name" --force --quiet $args > "$out/$name.log" 2>&1; then
        echo "done $name: $(tail -n 1 "$out/$name.log")"
    else
        echo "FAILED $name (see $out/$name.log)"
    fi
}
export -f run_row
export out data ffebm root
printf '%s\n' "$rows" | grep -Ev "^(${SKIP:-^$})\|" | xargs -P "$jobs" -I{} bash -c 'run_row "$@"' _ {}
