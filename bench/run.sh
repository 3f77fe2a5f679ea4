#!/usr/bin/env bash
# All speed benches in one run (`npm run bench`), then docs/RESULTS.md. Each bench's stdout table goes to
# bench/out/<name>.md (git-ignored), where bench/results.ts picks it up. Run on a quiet machine: the figures are
# ratios measured in one run, but a busy machine still drags them down (each table prints the load average).
# Minutes: extract ~3 (60-s and 10-min videos), video2roll ~2, OSC ~1, SoundFont ~1, results <1.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json --outDir .cache/build
mkdir -p bench/out
run() { local name=$1; shift; echo "== $name" >&2; node ".cache/build/bench/$name.js" "$@" | tee "bench/out/$name.md"; }
run extract_bench --seconds 60 --long-seconds 600
# the paper network and the ResNet-18 baseline timed beside the shipped models (initial weights: speed only)
if [ -x training/.venv/bin/python ] && (cd training && .venv/bin/python -m audeo_training.video2roll.speed_models --out ../bench/out/arch-models >/dev/null); then
  run video2roll_speed --json bench/out/video2roll_speed.json --models-dir bench/out/arch-models
else
  run video2roll_speed --json bench/out/video2roll_speed.json
fi
run osc_latency 8
run render_bench
node .cache/build/bench/results.js --no-identify
