"""Train a Video2Roll network on rendered strips (CPU or GPU), with a wall-clock and/or sample budget.

    python -m audeo_training.video2roll.train --arch strip --data training/data/v2r-v0 --minutes 45 \
        --out training/runs/v2r-strip-cpu1

Writes <out>/config.json (resolved), model.pt (state_dict of the best-on-validation checkpoint), last.pt,
metrics.json (validation metrics, threshold sweep, wall time, samples seen, commit, data manifests), log.jsonl.
BCE with logits, Adam, cosine learning-rate decay over the budget (instead of the paper's reduce-on-plateau: a fixed
wall budget has no "epochs" to plateau over), balanced sampling (data.BalancedSampler), on-the-fly augmentation.
New training clips that appear in the data folder while training (a renderer still writing) are picked up.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..cards import git_commit
from ..metrics import all_metrics
from . import data as D
from .models import build, count_params
from .onnx_init import freeze_bn_stats, load_strip_from_onnx


@torch.no_grad()
def predict(
    model: torch.nn.Module, clips: list[D.Clip], batch: int = 32, max_frames: int | None = None, mask_invisible: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Sigmoid probabilities and labels over every frame of the clips (up to max_frames): [N, 88] each; with
    mask_invisible, both are 0 on keys outside a cut keyboard's picture (scored on what the camera sees)."""
    model.eval()
    dev = next(model.parameters()).device
    probs, labels = [], []
    n = 0
    for c in clips:
        w = D.clip_windows(c.strips)
        for i in range(0, len(w), batch):
            x = torch.from_numpy(w[i : i + batch].astype(np.float32) / 255.0).to(dev)
            p = torch.sigmoid(model(x)).cpu().numpy()
            probs.append(p * D.visible_keys(c.strips) if mask_invisible else p)
        labels.append(c.keydown & D.visible_keys(c.strips) if mask_invisible else c.keydown)
        n += len(w)
        if max_frames is not None and n >= max_frames:
            break
    return np.concatenate(probs), np.concatenate(labels).astype(np.uint8)


def sweep_thresholds(probs: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    rows = []
    for th in np.round(np.arange(0.1, 0.91, 0.05), 2):
        m = all_metrics(labels, probs >= th)
        rows.append({"threshold": float(th), "microF1": m["keys88"]["micro"]["f1"], "samplesF1": m["keys88"]["samples"]["f1"]})
    best = max(rows, key=lambda r: r["microF1"])
    return {"rows": rows, "best": best}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", choices=["strip", "paper", "resnet18"], required=True)
    ap.add_argument("--data", type=Path, required=True, help="folder with train/ and val/ shards")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--minutes", type=float, default=45.0, help="wall budget for the training loop")
    ap.add_argument("--max-samples", type=int, default=0, help="stop after this many samples (0 = no limit)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--balanced", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu", help="cpu or cuda (default: cuda when available)")
    ap.add_argument("--mask-invisible", action="store_true", help="no loss on keys outside a cut keyboard's picture")
    ap.add_argument("--init", type=Path, default=None, help="start from this state_dict (e.g. an earlier run's model.pt) to fine-tune")
    ap.add_argument("--init-onnx", type=Path, default=None, help="strip arch: start from a shipped ONNX file (BatchNorms folded; see onnx_init)")
    ap.add_argument("--freeze-bn", action="store_true", help="keep BatchNorm statistics fixed while fine-tuning")
    ap.add_argument("--clavision", action="store_true",
                    help="mix the real clavision training pieces (training/clavision.json, cached strips) into every batch; "
                         "the final validation adds the clavision validation pieces (the last checkpoint is kept, not the best on them)")
    ap.add_argument("--real-frac", type=float, default=0.5, help="with --clavision: share of each batch drawn from real clips")
    ap.add_argument("--val-frames", type=int, default=800, help="validation frames for the periodic check")
    ap.add_argument("--val-every-min", type=float, default=10.0)
    ap.add_argument("--final-val-frames", type=int, default=2400)
    ap.add_argument("--no-augment", action="store_true")
    ap.add_argument("--loader-workers", type=int, default=0,
                    help="make batches in this many worker processes (a GPU needs ~6; 0 = in the loop, and new clips a renderer writes are picked up)")
    ap.add_argument("--amp", action="store_true", help="CUDA only: bfloat16 autocast for the forward pass (the loss is computed in float32)")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    a.out.mkdir(parents=True, exist_ok=True)
    aug = None if a.no_augment else D.AugmentConfig()
    model = build(a.arch)
    if a.init is not None:
        model.load_state_dict(torch.load(a.init, map_location="cpu"))
    if a.init_onnx is not None:
        model = load_strip_from_onnx(a.init_onnx)
    dev = torch.device(a.device)
    model.to(dev)
    config = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(a).items()}
    config.update({"augment": asdict(aug) if aug else None, "params": count_params(model), "commit": git_commit(), "device": a.device})
    (a.out / "config.json").write_text(json.dumps(config, indent=2))

    train_dir, val_dir = a.data / "train", a.data / "val"
    clips = D.load_split(train_dir)
    loaded = len(clips)
    sampler = D.BalancedSampler(clips, rng, a.balanced)
    visible = [D.visible_keys(c.strips) for c in clips] if a.mask_invisible else None
    val = D.load_split(val_dir)
    real: list[D.Clip] = []
    real_val: list[D.Clip] = []
    if a.clavision:
        from ..clavision.clips import real_clips
        from ..clavision.data import load_manifest
        man = load_manifest()
        real, real_names = real_clips(man, "train")
        real_val, real_val_names = real_clips(man, "val")
        real_sampler = D.BalancedSampler(real, rng, a.balanced)
        config.update({"clavision": {"manifest": man.version, "train": real_names, "val": real_val_names}})
        (a.out / "config.json").write_text(json.dumps(config, indent=2))
        print(json.dumps({"realTrainClips": len(real_names), "realTrainFrames": int(sum(len(c.keydown) for c in real)),
                          "realValClips": len(real_val_names)}), flush=True)
    n_real = int(round(a.batch * a.real_frac)) if real else 0
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    budget_s = a.minutes * 60.0
    t0 = time.time()
    last_val = t0
    seen = 0
    step = 0
    best_f1 = -1.0
    log = (a.out / "log.jsonl").open("a")
    losses: list[float] = []
    stream = None
    if a.loader_workers > 0:
        loader = torch.utils.data.DataLoader(
            D.BatchStream(clips, a.batch, a.seed, a.balanced, aug, visible), batch_size=None, num_workers=a.loader_workers,
            pin_memory=dev.type == "cuda", prefetch_factor=4, persistent_workers=True,
        )
        stream = iter(loader)
    amp = a.amp and dev.type == "cuda"
    while True:
        elapsed = time.time() - t0
        if elapsed >= budget_s or (a.max_samples and seen >= a.max_samples):
            break
        frac = min(1.0, max(elapsed / budget_s, seen / a.max_samples if a.max_samples else 0.0))
        for g in opt.param_groups:
            g["lr"] = a.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))
        model.train()
        if a.freeze_bn:
            freeze_bn_stats(model)
        if stream is not None:
            xt, yt, wt = (t.to(dev, non_blocking=True) for t in next(stream))
        else:
            x, y, w = D.batch(clips, sampler, a.batch - n_real, rng, aug, visible)
            if n_real:
                xr, yr, wr = D.batch(real, real_sampler, n_real, rng, aug)
                x, y, w = np.concatenate([x, xr]), np.concatenate([y, yr]), np.concatenate([w, wr])
            xt, yt, wt = torch.from_numpy(x).to(dev), torch.from_numpy(y).to(dev), torch.from_numpy(w).to(dev)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
            logits = model(xt)
        loss = (F.binary_cross_entropy_with_logits(logits.float(), yt, reduction="none") * wt).sum() / wt.sum().clamp(min=1.0)
        opt.zero_grad()
        loss.backward()
        opt.step()
        seen += len(xt)
        step += 1
        losses.append(loss.item())
        if step % 20 == 0:
            rec = {"step": step, "seen": seen, "sec": round(time.time() - t0, 1), "loss": float(np.mean(losses)), "lr": opt.param_groups[0]["lr"]}
            losses = []
            log.write(json.dumps(rec) + "\n")
            log.flush()
            print(json.dumps(rec), flush=True)
            # the renderer wrote more clips (a shard mid-write is skipped until next time); loader workers keep theirs
            if stream is None and len(list(train_dir.glob("clip-*.npz"))) > loaded:
                clips = D.load_split(train_dir)
                loaded = len(clips)
                sampler = D.BalancedSampler(clips, rng, a.balanced)
                visible = [D.visible_keys(c.strips) for c in clips] if a.mask_invisible else None
        if time.time() - last_val > a.val_every_min * 60:
            last_val = time.time()
            p, lab = predict(model, val, max_frames=a.val_frames, mask_invisible=a.mask_invisible)
            f1 = all_metrics(lab, p >= 0.4)["keys88"]["micro"]["f1"]
            rec = {"step": step, "seen": seen, "sec": round(time.time() - t0, 1), "valMicroF1@0.4": f1}
            log.write(json.dumps(rec) + "\n")
            print(json.dumps(rec), flush=True)
            torch.save(model.state_dict(), a.out / "last.pt")
            if f1 > best_f1 and not real:
                best_f1 = f1
                torch.save(model.state_dict(), a.out / "model.pt")
            last_val = time.time()
    train_sec = time.time() - t0
    torch.save(model.state_dict(), a.out / "last.pt")
    p, lab = predict(model, val, max_frames=a.final_val_frames, mask_invisible=a.mask_invisible)
    final_f1 = all_metrics(lab, p >= 0.4)["keys88"]["micro"]["f1"]
    if final_f1 >= best_f1 or real:
        torch.save(model.state_dict(), a.out / "model.pt")
    else:  # the best periodic checkpoint wins: re-score it on the same final validation frames
        model.load_state_dict(torch.load(a.out / "model.pt", map_location=dev))
        p, lab = predict(model, val, max_frames=a.final_val_frames, mask_invisible=a.mask_invisible)
    sweep = sweep_thresholds(p, lab)
    metrics = {
        "arch": a.arch,
        "trainWallSec": train_sec,
        "samplesSeen": seen,
        "steps": step,
        "trainClips": loaded,
        "data": {"train": D.manifest_summary(train_dir), "val": D.manifest_summary(val_dir)},
        "valFrames": int(len(lab)),
        "val@0.4": all_metrics(lab, p >= 0.4),
        "thresholdSweep": sweep,
        "threshold": sweep["best"]["threshold"],
        "commit": git_commit(),
    }
    if real_val:
        pr, lr_ = predict(model, real_val)
        rsweep = sweep_thresholds(pr, lr_)
        metrics["realVal"] = {"frames": int(len(lr_)), "val@0.4": all_metrics(lr_, pr >= 0.4), "thresholdSweep": rsweep}
        metrics["threshold"] = rsweep["best"]["threshold"]
        print(json.dumps({"realValMicroF1": rsweep["best"]}), flush=True)
    (a.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    print(json.dumps({"done": True, "samplesSeen": seen, "trainWallSec": train_sec, "threshold": metrics["threshold"], "valMicroF1": sweep["best"]["microF1"]}))


if __name__ == "__main__":
    main()
