"""Train PerfNet and the refinement U-Net on OMAPS (real piano audio + aligned notes), CPU, time-boxed; export ONNX.

    python -m audeo_training.perfnet.train --perfnet-minutes 12 --refiner-minutes 7 --export
    # continue from a saved PerfNet (its held-out loss is checked before/after; the better weights are kept),
    # or export only: --perfnet-minutes 0 --refiner-minutes 0 with both --resume-* paths
    python -m audeo_training.perfnet.train --resume-perfnet training/runs/<run>/perfnet.pt --perfnet-minutes 8 \
        --perfnet-lr 1e-3 --refiner-minutes 12 --export

CPU only and shared with other trainers: torch.set_num_threads(1), small nets (PerfNet 128 channels, refiner 16..64).
Held-out pieces: heldout.json (never read here except to exclude them). Writes training/runs/perfnet-<stamp>/
(config.json, metrics.json, perfnet.pt, refiner.pt: state_dicts) and, with --export, models/perfnet/<v>/ and
models/spec-refiner/<v>/ through cards.py.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..cards import MODELS_ROOT, REPO_ROOT, git_commit, tensor, update_index, write_card
from . import features as F
from .models import PerfNet, SpecRefiner

DATA = Path("/work/shared/data/audio/omaps50")
CACHE = REPO_ROOT / "training" / "data" / "perfnet"
HELDOUT = json.loads((Path(__file__).with_name("heldout.json")).read_text())["heldout"]


def piece_ids() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.txt") if (DATA / f"{p.stem}.mp3").exists())


def load_piece(pid: str) -> tuple[np.ndarray, np.ndarray]:
    """(input uint8 (264,T), target float16 (576,T)), cached under training/data/perfnet/."""
    CACHE.mkdir(parents=True, exist_ok=True)
    f = CACHE / f"{pid}.npz"
    if f.exists():
        z = np.load(f)
        return z["x"], z["y"]
    y = F.log_magnitude(F.load_audio(DATA / f"{pid}.mp3"))
    x = F.notes_to_input(F.load_notes(DATA / f"{pid}.txt"), y.shape[1])
    np.savez_compressed(f, x=x.astype(np.uint8), y=y.astype(np.float16))
    return x.astype(np.uint8), y.astype(np.float16)


def batches(pieces: list[tuple[np.ndarray, np.ndarray]], batch: int, frames: int, rng: np.random.Generator):
    weights = np.array([p[0].shape[1] for p in pieces], dtype=np.float64)
    weights /= weights.sum()
    while True:
        xs, ys = [], []
        for i in rng.choice(len(pieces), size=batch, p=weights):
            x, y = pieces[i]
            t0 = int(rng.integers(0, max(1, x.shape[1] - frames)))
            xx = np.zeros((x.shape[0], frames), np.float32)
            yy = np.zeros((y.shape[0], frames), np.float32)
            seg = x[:, t0 : t0 + frames]
            xx[:, : seg.shape[1]] = seg
            yy[:, : seg.shape[1]] = y[:, t0 : t0 + frames]
            xs.append(xx)
            ys.append(yy)
        yield torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def train_loop(model: nn.Module, step_fn, minutes: float, lr: float, log: str) -> dict[str, Any]:
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    t0 = time.time()
    step, ema = 0, None
    losses: list[float] = []
    while time.time() - t0 < minutes * 60:
        loss = step_fn()
        opt.zero_grad()
        loss.backward()
        opt.step()
        v = float(loss)
        ema = v if ema is None else 0.98 * ema + 0.02 * v
        step += 1
        if step % 25 == 0:
            losses.append(ema)
            print(f"[{log}] step {step} loss {ema:.4f} ({time.time() - t0:.0f} s)", flush=True)
    return {"steps": step, "final_loss_ema": ema, "loss_curve_every_25": losses, "seconds": time.time() - t0}


@torch.no_grad()
def held_out_loss(net: PerfNet, refiner: SpecRefiner | None, pieces: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    net.eval()
    if refiner is not None:
        refiner.eval()
    l1p, l1r, n = 0.0, 0.0, 0
    for x, y in pieces:
        t = (x.shape[1] // 8) * 8
        t = min(t, 4096)
        xx = torch.from_numpy(x[None, :, :t].astype(np.float32))
        yy = torch.from_numpy(y[None, :, :t].astype(np.float32))
        p = net(xx)
        l1p += float((p - yy).abs().mean())
        if refiner is not None:
            l1r += float((refiner(p[:, None])[:, 0] - yy).abs().mean())
        n += 1
    return {"perfnet_l1": l1p / n, **({"refined_l1": l1r / n} if refiner is not None else {})}


def export(net: PerfNet, refiner: SpecRefiner, version: str, run_dir: Path, metrics: dict[str, Any], config: dict[str, Any]) -> None:
    audio = {"sampleRate": F.SR, "nFft": F.N_FFT, "hop": F.HOP, "bins": F.BINS}
    training = {"data": "OMAPS (50 pieces, real piano audio + aligned notes); 40 train, 10 held out (perfnet/heldout.json)", "run": run_dir.name, "commit": git_commit(), "config": config, "metrics": metrics}
    net.eval()
    refiner.eval()
    for name, model, dummy, inp, out, desc, kind in (
        ("perfnet", net, torch.zeros(1, F.IN_CHANNELS, 64), "roll", "logmag", "PerfNet: roll with onset/offset encoding [1,264,T] (T multiple of 8; 62.5 frames/s; channels sustain/onset/offset x 88 keys from MIDI 21) -> log1p magnitude [1,576,T].", "log-magnitude"),
        ("spec-refiner", refiner, torch.zeros(1, 1, F.BINS, 64), "logmag", "refined", "Refinement U-Net (L1): PerfNet log1p magnitude [1,1,576,T] -> refined [1,1,576,T] (T multiple of 8).", "log-magnitude"),
    ):
        d = MODELS_ROOT / name / version
        d.mkdir(parents=True, exist_ok=True)
        axes = {inp: {2 if name == "perfnet" else 3: "T"}, out: {2 if name == "perfnet" else 3: "T"}}
        torch.onnx.export(model, (dummy,), str(d / "model.onnx"), input_names=[inp], output_names=[out], dynamic_axes=axes, opset_version=17, dynamo=False)
        shape_in: list[int | str] = [1, F.IN_CHANNELS, "T"] if name == "perfnet" else [1, 1, F.BINS, "T"]
        shape_out: list[int | str] = [1, F.BINS, "T"] if name == "perfnet" else [1, 1, F.BINS, "T"]
        card = write_card(d, name=name, version=version, type=name, inputs=[tensor(inp, shape_in)], outputs=[tensor(out, shape_out)], output_kind=kind, description=desc, extra={"audio": audio, "training": training, "metrics": {"heldout": metrics.get("heldout", {})}})
        update_index(card, make_default=True)
        print(f"exported {d} ({card['sizeBytes'] / 1e6:.1f} MB)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--perfnet-minutes", type=float, default=12)
    ap.add_argument("--refiner-minutes", type=float, default=7)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--frames", type=int, default=256)
    ap.add_argument("--refiner-frames", type=int, default=64)
    ap.add_argument("--refiner-batch", type=int, default=4)
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--export", action="store_true")
    ap.add_argument("--perfnet-lr", type=float, default=2e-3)
    ap.add_argument("--refiner-lr", type=float, default=1e-3)
    ap.add_argument("--resume-perfnet", type=Path, default=None, help="perfnet.pt (state_dict) to start from")
    ap.add_argument("--resume-refiner", type=Path, default=None, help="refiner.pt (state_dict) to start from")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    ids = piece_ids()
    train_ids = [i for i in ids if i not in HELDOUT]
    test_ids = [i for i in ids if i in HELDOUT]
    print(f"{len(train_ids)} training pieces, {len(test_ids)} held out", flush=True)
    train = [load_piece(i) for i in train_ids]
    test = [load_piece(i) for i in test_ids]
    config = {**{k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}, "train": train_ids, "heldout": test_ids, "threads": 1, "sr": F.SR, "n_fft": F.N_FFT, "hop": F.HOP, "bins": F.BINS}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = REPO_ROOT / "training" / "runs" / f"perfnet-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(config, indent=2))

    net = PerfNet(args.width)
    resumed: dict[str, Any] = {}
    if args.resume_perfnet is not None:
        net.load_state_dict(torch.load(args.resume_perfnet, map_location="cpu", weights_only=True))
        resumed = {"from": str(args.resume_perfnet), "heldout_before": held_out_loss(net, None, test)}
        print(f"resumed PerfNet from {args.resume_perfnet}: {resumed['heldout_before']}", flush=True)
    gen = batches(train, args.batch, args.frames, rng)
    mse = nn.MSELoss()

    def perf_step() -> torch.Tensor:
        net.train()
        x, y = next(gen)
        return mse(net(x), y)

    before = {k: v.clone() for k, v in net.state_dict().items()}
    m_perf = train_loop(net, perf_step, args.perfnet_minutes, args.perfnet_lr, "perfnet") if args.perfnet_minutes > 0 else {"steps": 0}
    if resumed:
        after = held_out_loss(net, None, test)
        resumed["heldout_after"] = after
        if args.perfnet_minutes > 0 and after["perfnet_l1"] > resumed["heldout_before"]["perfnet_l1"]:
            net.load_state_dict(before)  # continuing made the held-out loss worse: keep the resumed weights
            resumed["kept"] = "resumed"
        else:
            resumed["kept"] = "continued"
        print(f"PerfNet held-out after: {after} (kept {resumed['kept']})", flush=True)
        m_perf["resumed"] = resumed
    torch.save(net.state_dict(), run_dir / "perfnet.pt")

    refiner = SpecRefiner()
    if args.resume_refiner is not None:
        refiner.load_state_dict(torch.load(args.resume_refiner, map_location="cpu", weights_only=True))
    gen_r = batches(train, args.refiner_batch, args.refiner_frames, rng)
    net.eval()

    def ref_step() -> torch.Tensor:
        refiner.train()
        x, y = next(gen_r)
        with torch.no_grad():
            p = net(x)
        return (refiner(p[:, None])[:, 0] - y).abs().mean()

    m_ref = train_loop(refiner, ref_step, args.refiner_minutes, args.refiner_lr, "refiner") if args.refiner_minutes > 0 else {"steps": 0}
    torch.save(refiner.state_dict(), run_dir / "refiner.pt")
    metrics = {"perfnet": m_perf, "refiner": m_ref, "heldout": held_out_loss(net, refiner, test)}
    (run_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
    print(json.dumps(metrics["heldout"]), flush=True)
    if args.export:
        slim = {k: v for k, v in config.items() if k not in ("train",)}
        export(net, refiner, args.version, run_dir, {"heldout": metrics["heldout"], "perfnet_steps": m_perf["steps"], "refiner_steps": m_ref["steps"]}, slim)


if __name__ == "__main__":
    main()
