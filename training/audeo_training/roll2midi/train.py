"""Train a Roll2Midi refiner on CPU within a time budget; writes <out>/config.json, model.pt (state_dict of the best
validation step), log.jsonl and metrics.json (validation F1, tuned threshold, git commit).

    python -m audeo_training.roll2midi.train --arch light --minutes 25 --out training/runs/r2m-light
    python -m audeo_training.roll2midi.train --arch paper --width 8 --crop 40 --minutes 25 --out training/runs/r2m-paper

- arch "paper": the paper's GAN: generator (PaperGenerator) + PatchGAN discriminator, least squares:
  G = 0.001 * MSE(D(G(x)), 1) + 0.999 * MSE(G(x), y); D = 0.5 * (MSE(D(y), 1) + MSE(D(G(x)), 0)); Adam 5e-4, batch 16.
  `--crop N`: train on random N x N (time x keys) crops (the generator is fully convolutional, stride 1), to afford
  some steps on a CPU; inference runs on whole 100 x 88 windows.
- arch "light": LightRefiner, BCE on the sounding frames + BCE on sounding onsets (pos_weight 5), Adam 1e-3; no GAN.
Inputs: simulated Video2Roll probabilities (data.simulate_v2r) on label rolls of the train split's MIDI performances;
with --real DIR (a rendered data set with train/ and val/ shards), Video2Roll's own probabilities on DIR/train's clips
(the index's default video2roll model, or --v2r; computed once with onnxruntime and cached in data/r2m/) make up
--real-share of every batch, and validation (model selection, threshold sweep) runs on DIR/val's clips the same way.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..cards import git_commit
from ..metrics import frame_metrics
from . import data as D
from .models import PatchDiscriminator, build, count_params


def predict(model: torch.nn.Module, x: np.ndarray, batch: int = 32) -> dict[str, np.ndarray]:
    """x [B, 100, 88] -> {name: probabilities}."""
    model.eval()
    outs: dict[str, list[np.ndarray]] = {}
    with torch.no_grad():
        for i in range(0, len(x), batch):
            for k, v in model(torch.from_numpy(x[i : i + batch])).items():
                outs.setdefault(k, []).append(torch.sigmoid(v).numpy())
    return {k: np.concatenate(v) for k, v in outs.items()}


def sweep(probs: np.ndarray, target: np.ndarray) -> dict[str, Any]:
    rows = []
    for th in np.round(np.arange(0.2, 0.75, 0.05), 2):
        m = frame_metrics(target.reshape(-1, 88), probs.reshape(-1, 88) >= th)["micro"]
        rows.append({"threshold": float(th), "f1": round(m["f1"], 4), "precision": round(m["precision"], 4), "recall": round(m["recall"], 4)})
    best = max(rows, key=lambda r: r["f1"])
    return {"rows": rows, "best": best}


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", choices=["paper", "light"], required=True)
    ap.add_argument("--width", type=int, default=8, help="paper: channel width of the first block (64 = the paper)")
    ap.add_argument("--channels", default="8,24,48", help="light: channels at 100x88, 50x44, 25x22")
    ap.add_argument("--crop", type=int, default=0, help="paper: train on N x N crops (0 = whole windows)")
    ap.add_argument("--minutes", type=float, default=25.0)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=0.0)
    ap.add_argument("--train-pieces", type=int, default=60)
    ap.add_argument("--val-pieces", type=int, default=12)
    ap.add_argument("--val-every-min", type=float, default=6.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--init", type=Path, default=None, help="start from this run's model.pt (fine-tuning)")
    ap.add_argument("--val-windows", type=int, default=160)
    ap.add_argument("--finalize", action="store_true",
                    help="no training: score <out>/model.pt (best validation step so far) on the validation windows and write "
                    "metrics.json, for a run stopped before its end")
    ap.add_argument("--real", type=Path, default=None,
                    help="rendered data set (train/, val/): train on Video2Roll's own outputs on its clips, validate on val/")
    ap.add_argument("--real-share", type=float, default=0.75, help="share of each batch from --real windows")
    ap.add_argument("--v2r", default=None, help="video2roll NAME[@VERSION] for --real (default: the index's default)")
    ap.add_argument("--models-root", type=Path, default=None, help="models folder for --v2r (default: the repo's models/)")
    ap.add_argument("--out", type=Path, required=True)
    return ap


def real_samplers(a: argparse.Namespace) -> tuple[D.RealWindowSampler, D.RealWindowSampler, str]:
    """Samplers over Video2Roll's outputs on a.real/train and a.real/val (cached), and the model's ref."""
    from ..cards import MODELS_ROOT
    from .evaluate import OnnxVideo2Roll, index_models, real_clips, resolve

    root = a.models_root or MODELS_ROOT
    defaults, _ = index_models(root)
    ref = a.v2r or defaults.get("video2roll")
    if not ref:
        raise SystemExit("--real needs a video2roll model: none is the index's default; pass --v2r NAME@VERSION")
    v2r = OnnxVideo2Roll(resolve(root, ref, "video2roll"), threads=a.threads)
    out = []
    for split in ("train", "val"):
        t0 = time.time()
        clips, _, frames = real_clips(v2r, a.real / split, a.real / "r2m-cache", 100000)
        print(f"real {split}: {len(clips)} clips, {v2r.ref} on {frames} new frames in {time.time() - t0:.0f} s", flush=True)
        out.append(D.RealWindowSampler([(c["input"], c["sounding"]) for c in clips], a.seed + (0 if split == "train" else 1000)))
    return out[0], out[1], v2r.ref


def main() -> None:
    a = parser().parse_args()
    torch.set_num_threads(a.threads)
    t_load = time.time()
    train_rolls = D.performance_rolls("train", a.train_pieces, a.seed)
    val_rolls = D.performance_rolls("val", a.val_pieces, 1000 + a.seed)
    print(f"data: {len(train_rolls)} train pieces, {sum(len(r.keydown) for r in train_rolls)} frames, {time.time() - t_load:.0f} s", flush=True)
    metrics = finalize(a, val_rolls) if a.finalize else train(a, train_rolls, val_rolls)
    print(json.dumps({k: v for k, v in metrics.items() if k != "thresholdSweep"}), flush=True)


def finalize(a: argparse.Namespace, val_rolls: list[D.LabelRoll]) -> dict[str, Any]:
    """metrics.json for a stopped run: its saved model.pt (the best validated step) scored as train() would."""
    config = json.loads((a.out / "config.json").read_text())
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in config["kwargs"].items()}
    model = build(config["arch"], **kwargs)
    model.load_state_dict(torch.load(a.out / "model.pt", map_location="cpu", weights_only=True))
    vx, vy, _ = D.WindowSampler(val_rolls, 1000 + config["seed"]).batch(a.val_windows)
    log = [json.loads(line) for line in (a.out / "log.jsonl").read_text().splitlines() if line.strip()]
    vals = [r for r in log if "valF1@0.4" in r]
    best = max(vals, key=lambda r: r["valF1@0.4"])
    p = predict(model, vx, batch=8)["frame"]
    sw = sweep(p, vy)
    f1 = frame_metrics(vy.reshape(-1, 88), p.reshape(-1, 88) >= 0.4)["micro"]["f1"]
    base_f1 = frame_metrics(vy.reshape(-1, 88), vx.reshape(-1, 88) >= 0.4)["micro"]["f1"]
    steps = max(int(r.get("step", 0)) for r in log)
    metrics = {
        "steps": steps, "bestStep": best["step"], "trainWallSec": max(float(r.get("sec", 0)) for r in log),
        "windowsSeen": steps * config["batch"], "valWindows": len(vx), "valF1@0.4": round(f1, 4), "inputValF1@0.4": round(base_f1, 4),
        "thresholdSweep": sw, "threshold": sw["best"]["threshold"], "commit": config["commit"],
        "convention": "micro frame F1 (mir_eval.multipitch), 88 keys, simulated val inputs",
        "finalized": "run stopped during its final validation (shared CPU); model.pt = best validated step, scored by --finalize",
    }
    (a.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    return metrics


def train(a: argparse.Namespace, train_rolls: list[D.LabelRoll], val_rolls: list[D.LabelRoll]) -> dict[str, Any]:
    """Trains within a.minutes / a.max_steps; writes config.json, model.pt, log.jsonl, metrics.json to a.out."""
    torch.manual_seed(a.seed)
    a.out.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"width": a.width} if a.arch == "paper" else {"channels": tuple(int(c) for c in a.channels.split(","))}
    model = build(a.arch, **kwargs)
    if a.init:
        model.load_state_dict(torch.load(a.init / "model.pt", map_location="cpu", weights_only=True))
    lr = a.lr or (5e-4 if a.arch == "paper" else 1e-3)
    config: dict[str, Any] = {
        "arch": a.arch, "kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()}, "crop": a.crop,
        "minutes": a.minutes, "batch": a.batch, "lr": lr, "trainPieces": a.train_pieces, "valPieces": a.val_pieces,
        "seed": a.seed, "threads": a.threads, "sim": asdict(D.SimConfig()), "params": count_params(model),
        "commit": git_commit(), "device": "cpu", "init": str(a.init) if a.init else None,
        "inputs": "simulated Video2Roll probabilities (data.simulate_v2r) on train-split MIDI label rolls",
    }
    (a.out / "config.json").write_text(json.dumps(config, indent=2))

    sampler = D.WindowSampler(train_rolls, a.seed)
    vx, vy, _ = D.WindowSampler(val_rolls, 1000 + a.seed).batch(a.val_windows)
    real_train: D.RealWindowSampler | None = None
    if a.real:
        real_train, real_val, v2r_ref = real_samplers(a)
        vx, vy, _ = real_val.fixed()
        config["inputs"] = (f"{a.real_share:.0%} Video2Roll {v2r_ref} outputs on {a.real}/train clips, the rest simulated; "
                            f"validation on {v2r_ref} outputs on {a.real}/val")
        config["real"] = {"data": str(a.real), "share": a.real_share, "video2roll": v2r_ref, "valWindows": len(vx)}
        (a.out / "config.json").write_text(json.dumps(config, indent=2))

    betas = (0.5, 0.999) if a.arch == "paper" else (0.9, 0.999)
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=betas)
    disc = PatchDiscriminator() if a.arch == "paper" else None
    opt_d = torch.optim.Adam(disc.parameters(), lr=lr, betas=betas) if disc else None
    base_f1 = frame_metrics(vy.reshape(-1, 88), vx.reshape(-1, 88) >= 0.4)["micro"]["f1"]
    best = {"f1": -1.0, "step": 0}
    log = (a.out / "log.jsonl").open("w")
    t0 = time.time()
    last_val = t0
    step = 0

    def validate() -> None:
        p = predict(model, vx)["frame"]
        f1 = frame_metrics(vy.reshape(-1, 88), p.reshape(-1, 88) >= 0.4)["micro"]["f1"]
        rec = {"step": step, "sec": round(time.time() - t0, 1), "valF1@0.4": round(f1, 4), "inputF1@0.4": round(base_f1, 4)}
        log.write(json.dumps(rec) + "\n")
        log.flush()
        print(rec, flush=True)
        if f1 > best["f1"]:
            best.update(f1=f1, step=step)
            torch.save(model.state_dict(), a.out / "model.pt")
        model.train()

    model.train()
    while True:
        n_real = int(round(a.batch * a.real_share)) if real_train else 0
        x, y, on = sampler.batch(a.batch - n_real)
        if real_train and n_real:
            rx, ry, ro = real_train.batch(n_real)
            x, y, on = np.concatenate([x, rx]), np.concatenate([y, ry]), np.concatenate([on, ro])
        if a.crop:
            t_off = int(sampler.rng.integers(0, D.T - a.crop + 1))
            k_off = int(sampler.rng.integers(0, 88 - a.crop + 1))
            sl = (slice(None), slice(t_off, t_off + a.crop), slice(k_off, k_off + a.crop))
            x, y, on = x[sl], y[sl], on[sl]
        xt, yt, ot = torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.ascontiguousarray(y)), torch.from_numpy(np.ascontiguousarray(on))
        out = model(xt)
        if disc is not None and opt_d is not None:
            fake = torch.sigmoid(out["frame"])
            pred_fake = disc(fake)
            loss_g = 0.001 * F.mse_loss(pred_fake, torch.ones_like(pred_fake)) + 0.999 * F.mse_loss(fake, yt)
            opt.zero_grad()
            loss_g.backward()
            opt.step()
            pr, pf = disc(yt), disc(fake.detach())
            loss_d = 0.5 * (F.mse_loss(pr, torch.ones_like(pr)) + F.mse_loss(pf, torch.zeros_like(pf)))
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
            rec = {"g": float(loss_g), "d": float(loss_d)}
        else:
            loss = F.binary_cross_entropy_with_logits(out["frame"], yt)
            if "onset" in out:
                loss = loss + F.binary_cross_entropy_with_logits(out["onset"], ot, pos_weight=torch.tensor(5.0))
            opt.zero_grad()
            loss.backward()
            opt.step()
            rec = {"loss": float(loss)}
        step += 1
        if step % 20 == 0:
            log.write(json.dumps({"step": step, "sec": round(time.time() - t0, 1), **{k: round(v, 5) for k, v in rec.items()}}) + "\n")
            log.flush()
        elapsed = time.time() - t0
        done = elapsed > a.minutes * 60 or (a.max_steps and step >= a.max_steps)
        if done or time.time() - last_val > a.val_every_min * 60:
            validate()
            last_val = time.time()
        if done:
            break

    model.load_state_dict(torch.load(a.out / "model.pt", map_location="cpu", weights_only=True))
    p = predict(model, vx)["frame"]
    sw = sweep(p, vy)
    metrics = {
        "steps": step, "bestStep": best["step"], "trainWallSec": round(time.time() - t0, 1), "windowsSeen": step * a.batch,
        "valWindows": len(vx), "trainPiecesUsed": len(train_rolls), "trainFrames": int(sum(len(r.keydown) for r in train_rolls)), "valF1@0.4": round(best["f1"], 4), "inputValF1@0.4": round(base_f1, 4),
        "thresholdSweep": sw, "threshold": sw["best"]["threshold"], "commit": config["commit"],
        "convention": "micro frame F1 (mir_eval.multipitch), 88 keys, " + ("Video2Roll outputs on rendered val clips" if a.real else "simulated val inputs"),
    }
    (a.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    log.close()
    return metrics


if __name__ == "__main__":
    main()
