#!/usr/bin/env bash
# The paper-size Video2Roll networks (the paper's net, the ResNet-18 baseline) trained on a lent GPU machine in ONE
# device call, on data rendered there by this repo's renderer with the default model's recipe (data/v2r-v3: 300 train
# clips seed 21, 24 val clips seed 22, 8 s each). They cost ~10x the default per sample and do not learn within a
# CPU budget here (training/README.md), so this is how they get trained when a task is lent a machine.
#
#   bash training/gpu/baselines.sh prepare            # here: .gpu-carry/ (train+val performance MIDI, xz; ~27 MB)
#   device run: command "bash training/gpu/baselines.sh device", carry [".gpu-carry"], timeout_s 600
#               (MINUTES=4 per network by default, both at once on the one GPU; ~9 min of device time in all)
#   bash training/gpu/baselines.sh unpack DIR         # here: DIR = the run's files_at -> training/runs/v2r-*-gpu
#   then export / evaluate as training/README.md says (export tunes the decoder on data/v2r-v3/val here).
#
# What comes back is at most 8 files of 16 MiB: the runs (config, log, metrics, fp16 state_dicts) as a split tarball.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CARRY="$ROOT/.gpu-carry"
PY="${PY:-python3}"

case "${1:-}" in
prepare)
  mkdir -p "$CARRY"
  grep -qx '/.gpu-carry/' "$ROOT/.git/info/exclude" 2>/dev/null || echo '/.gpu-carry/' >> "$ROOT/.git/info/exclude"
  cd "$ROOT/training"
  data_root="$(.venv/bin/python -c 'from audeo_training.midi_sources import DATA_ROOT; print(DATA_ROOT)')"
  .venv/bin/python -c '
from audeo_training.midi_sources import DATA_ROOT, performances
print("\n".join(str(p.relative_to(DATA_ROOT)) for s in ("train", "val") for p in performances(s)))' > "$CARRY/midi.list"
  tar cJf "$CARRY/midi.tar.xz" -C "$data_root" -T "$CARRY/midi.list"
  # mido is the one package the renderer needs that the device image lacks (KINDS.md lists what it has)
  idx=(); [ -d /opt/pypi/simple ] && idx=(--index-url file:///opt/pypi/simple)  # the local mirror, as setup-venv.sh
  .venv/bin/python -m pip download -q "${idx[@]}" --no-deps --only-binary=:all: -d "$CARRY/wheels" mido >/dev/null
  du -sh "$CARRY"
  ;;
device)
  : "${OUT:?run this through the device tool (it sets OUT)}"
  # overridable for a dry run on a CPU (DEVICE=cpu CLIPS=4 VAL_CLIPS=2 MINUTES=0.3 PY=training/.venv/bin/python)
  MINUTES="${MINUTES:-4}" CLIPS="${CLIPS:-300}" VAL_CLIPS="${VAL_CLIPS:-24}" DEVICE="${DEVICE:-cuda}" WORKERS="${WORKERS:-12}"
  # ARCHS="paper resnet18 strip" also trains the default at GPU scale (then LOADERS=4: 3 x 4 loader workers + the loops
  # fit the 16 cores)
  ARCHS="${ARCHS:-paper resnet18}" LOADERS="${LOADERS:-6}"
  WORK=/tmp/audeo-gpu
  mkdir -p "$WORK/data" "$WORK/runs"
  "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target "$WORK/site" "$CARRY"/wheels/*.whl
  export PYTHONPATH="$ROOT/training:$WORK/site" AUDEO_DATA="$WORK/data" PYTHONUNBUFFERED=1
  tar xJf "$CARRY/midi.tar.xz" -C "$WORK/data"
  { nvidia-smi --query-gpu=name,memory.total --format=csv || echo "no nvidia-smi"; } | tee "$OUT/device.txt"
  cd "$ROOT/training"
  t0=$(date +%s)
  "$PY" -m audeo_training.render.dataset --split train --clips "$CLIPS" --seconds 8 --seed 21 --workers "$WORKERS" --out "$WORK/v2r" > "$WORK/runs/render.log" 2>&1
  "$PY" -m audeo_training.render.dataset --split val --clips "$VAL_CLIPS" --seconds 8 --seed 22 --workers "$WORKERS" --out "$WORK/v2r" >> "$WORK/runs/render.log" 2>&1
  echo "rendered in $(( $(date +%s) - t0 )) s" | tee -a "$OUT/device.txt"
  for arch in $ARCHS; do
    mkdir -p "$WORK/runs/v2r-$arch-gpu"
    "$PY" -m audeo_training.video2roll.train --arch "$arch" --data "$WORK/v2r" --out "$WORK/runs/v2r-$arch-gpu" \
      --minutes "$MINUTES" --batch 64 --lr 1e-3 --threads 2 --device "$DEVICE" --amp --loader-workers "$LOADERS" --mask-invisible \
      --val-every-min 1 --val-frames 800 --final-val-frames 2400 > "$WORK/runs/v2r-$arch-gpu/stdout.log" 2>&1 &
  done
  wait
  tail -n 2 "$WORK"/runs/*/stdout.log | tee -a "$OUT/device.txt"
  "$PY" - "$WORK/runs" <<'PYEOF'
import sys, pathlib, torch
for f in pathlib.Path(sys.argv[1]).glob("*/*.pt"):  # fp16 state_dicts: half the bytes; export rounds to fp16 anyway
    sd = torch.load(f, map_location="cpu")
    torch.save({k: v.half() if v.is_floating_point() else v for k, v in sd.items()}, f)
PYEOF
  rm -f "$WORK"/runs/*/last.pt
  tar czf - -C "$WORK/runs" . | split -b 15M - "$OUT/runs.tgz.part-"
  ls -la "$OUT"
  ;;
unpack)
  src="${2:?usage: baselines.sh unpack DIR (files_at of the device run)}"
  mkdir -p "$ROOT/training/runs"
  cat "$src"/runs.tgz.part-* | tar xzf - -C "$ROOT/training/runs"
  ls "$ROOT/training/runs" | grep -- '-gpu$'
  ;;
*)
  echo "usage: bash training/gpu/baselines.sh prepare | device | unpack DIR" >&2
  exit 2
  ;;
esac
