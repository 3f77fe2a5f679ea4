"""Video2Roll networks, data windows, sampler and augmentation (random tensors; no rendered data needed)."""

from pathlib import Path

import numpy as np
import pytest
import torch

from audeo_training.geometry import all_key_spans
from audeo_training.video2roll import data as D
from audeo_training.video2roll.models import build, key_pooling_matrix


@pytest.mark.parametrize("arch", ["strip", "paper", "resnet18"])
def test_shapes_and_gradients(arch: str) -> None:
    torch.manual_seed(0)
    m = build(arch)
    x = torch.rand(2, 5, 100, 900)
    y = m(x)
    assert y.shape == (2, 88)
    y.mean().backward()
    assert all(p.grad is not None for p in m.parameters() if p.requires_grad)


def test_paper_net_stage_sizes_match_the_notes() -> None:
    m = build("paper")
    x1, x2, x3, x4 = m.trunk(torch.rand(1, 5, 100, 900))
    assert [tuple(t.shape[2:]) for t in (x1, x2, x3, x4)] == [(25, 225), (13, 113), (7, 57), (4, 29)]


def test_key_pooling_matrix_reads_each_key_at_its_canonical_x() -> None:
    m = key_pooling_matrix(225)
    assert m.shape == (88, 225)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-6)
    cols = (np.arange(225) + 0.5) / 225
    for k, s in enumerate(all_key_spans()):
        centre = float((m[k] * cols).sum())
        assert abs(centre - s.xc) < 0.6 / 225  # weighted centre within about half a column of the key centre


def test_strip_net_is_local_in_x() -> None:
    """A change at the far left of the strip must not move the logits of the top octave (receptive field < strip)."""
    torch.manual_seed(0)
    m = build("strip").eval()
    x = torch.rand(1, 5, 100, 900)
    x2 = x.clone()
    x2[..., :40] = 0
    with torch.no_grad():
        a, b = m(x), m(x2)
    assert torch.allclose(a[0, -12:], b[0, -12:], atol=1e-5)
    assert not torch.allclose(a[0, :3], b[0, :3], atol=1e-5)


def test_windows_repeat_edge_frames() -> None:
    strips = np.arange(4, dtype=np.uint8)[:, None, None] * np.ones((1, 2, 3), np.uint8)
    assert [int(w[0, 0]) for w in D.window(strips, 0)] == [0, 0, 0, 1, 2]
    assert [int(w[0, 0]) for w in D.window(strips, 3)] == [1, 2, 3, 3, 3]
    cw = D.clip_windows(strips)
    assert cw.shape == (4, 5, 2, 3)
    np.testing.assert_array_equal(cw[1], D.window(strips, 1))


def _clips(rng: np.random.Generator) -> list[D.Clip]:
    kd = np.zeros((50, 88), np.uint8)
    kd[10:12, 0] = 1  # a rare key: 2 frames of 100
    kd[20:40, 40] = 1
    return [D.Clip(rng.integers(0, 255, (50, 100, 900), dtype=np.uint8), kd), D.Clip(np.zeros((50, 100, 900), np.uint8), np.zeros((50, 88), np.uint8))]


def test_balanced_sampler_shows_rare_keys() -> None:
    rng = np.random.default_rng(0)
    clips = _clips(rng)
    s = D.BalancedSampler(clips, rng, balanced=1.0)
    draws = [s.draw() for _ in range(3000)]
    rare = sum(1 for c, t in draws if clips[c].keydown[t, 0])
    assert 900 < rare < 1100  # 3 classes present (key 0, key 40, silence): about a third each
    u = D.BalancedSampler(clips, rng, balanced=0.0)
    rare_u = sum(1 for c, t in (u.draw() for _ in range(3000)) if clips[c].keydown[t, 0])
    assert rare_u < 150


def test_augment_keeps_range_and_shape_and_varies() -> None:
    rng = np.random.default_rng(1)
    win = rng.integers(0, 255, (5, 100, 900), dtype=np.uint8)
    a = D.augment(win, rng, D.AugmentConfig())
    b = D.augment(win, rng, D.AugmentConfig())
    assert a.shape == (5, 100, 900) and a.dtype == np.float32
    assert 0.0 <= a.min() and a.max() <= 1.0
    assert not np.allclose(a, b)
    x, y, w = D.batch(_clips(rng), D.BalancedSampler(_clips(rng), rng), 4, rng, None)
    assert x.shape == (4, 5, 100, 900) and y.shape == (4, 88) and np.all(w == 1)


def test_visible_keys_of_a_cut_keyboard() -> None:
    strips = np.full((3, 100, 900), 120, np.uint8)
    strips[:, :, :300] = 0  # the picture ends a third of the way in: the low keys are black
    vis = D.visible_keys(strips)
    assert vis.dtype == bool and vis.shape == (88,)
    assert not vis[:25].any() and vis[40:].all()
    clips = [D.Clip(strips=strips, keydown=np.ones((3, 88), np.uint8))]
    rng = np.random.default_rng(0)
    _, _, w = D.batch(clips, D.BalancedSampler(clips, rng), 2, rng, None, [vis])
    assert np.array_equal(w[0], vis.astype(np.float32))


def test_load_split_skips_unreadable_shards(tmp_path: Path) -> None:
    np.savez(tmp_path / "clip-00000.npz", strips=np.zeros((3, 100, 900), np.uint8), keydown=np.zeros((3, 88), np.uint8))
    (tmp_path / "clip-00001.npz").write_bytes(b"PK\x03\x04 half written")
    clips = D.load_split(tmp_path)
    assert len(clips) == 1


def test_evaluate_reuses_probabilities_only_for_the_same_model_and_test_split(tmp_path: Path) -> None:
    from audeo_training.video2roll.evaluate import cache_matches

    f = tmp_path / "test-probs.npz"
    np.savez_compressed(f, sha256="abc", clips=24, split="/data/v3/test:24", sec=1.0, p0=np.zeros((2, 88), np.float16))
    z = np.load(f)
    assert cache_matches(z, "abc", "/data/v3/test:24")
    assert not cache_matches(z, "abd", "/data/v3/test:24")  # another model
    assert not cache_matches(z, "abc", "/data/v4t/test:24")  # another split
    old = tmp_path / "old.npz"
    np.savez_compressed(old, sha256="abc", clips=24, sec=1.0)  # written before the split was recorded
    assert not cache_matches(np.load(old), "abc", "/data/v3/test:24")


def test_batch_stream_workers_draw_different_batches_of_the_right_shape() -> None:
    import torch

    rng = np.random.default_rng(0)
    clips = _clips(rng)
    stream = D.BatchStream(clips, 3, seed=5, balanced=0.5, aug=D.AugmentConfig(), visible=None)
    loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=2)
    it = iter(loader)
    (x0, y0, w0), (x1, _, _) = next(it), next(it)  # one batch from each worker (round robin)
    assert x0.shape == (3, 5, 100, 900) and y0.shape == (3, 88) and w0.shape == (3, 88)
    assert x0.dtype == torch.float32 and float(x0.max()) <= 1.0
    assert not torch.equal(x0, x1), "workers seed their own generators"
    again = next(iter(torch.utils.data.DataLoader(stream, batch_size=None, num_workers=2)))
    assert torch.equal(again[0], x0), "the same seed gives the same batches"


def test_training_runs_with_loader_workers_and_writes_its_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import sys

    from audeo_training.video2roll import train

    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        (tmp_path / "data" / split).mkdir(parents=True)
        for i, c in enumerate(_clips(rng)):
            np.savez(tmp_path / "data" / split / f"clip-{i:05d}.npz", strips=c.strips[:12], keydown=c.keydown[:12])
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["train", "--arch", "strip", "--data", str(tmp_path / "data"), "--out", str(out), "--batch", "4",
                                      "--max-samples", "8", "--loader-workers", "1", "--amp", "--final-val-frames", "12"])
    train.main()
    config = json.loads((out / "config.json").read_text())
    assert config["loader_workers"] == 1 and config["amp"] is True
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["samplesSeen"] == 8 and metrics["steps"] == 2  # batches came from the worker
    assert (out / "model.pt").exists()


def _rows(rows: list[str]) -> np.ndarray:
    """One string per key, one character per frame ('#' = 1, '.' = 0, digit = tenths) -> [frames, keys]."""
    return np.array([[1.0 if ch == "#" else 0.0 if ch == "." else int(ch) / 10 for ch in row] for row in rows], np.float32).T


def test_static_key_suppression_matches_the_ts_pipeline_on_the_shared_cases() -> None:
    """test/fixtures/static-key-cases.json is replayed by jest (test/core/anchor.test.ts) through src/core/notes.ts too."""
    import json

    from audeo_training.video2roll.postprocess import suppress_static_keys

    spec = json.loads((Path(__file__).resolve().parents[2] / "test" / "fixtures" / "static-key-cases.json").read_text())
    for case in spec["cases"]:
        got = suppress_static_keys(_rows(case["rows"]), case["window"])
        np.testing.assert_allclose(got, _rows(case["expected"]), atol=1e-6, err_msg=case["name"])


def test_clip_spread_reports_each_clip_and_an_interval_that_spans_them() -> None:
    from audeo_training.video2roll.evaluate import clip_spread

    strips = np.full((6, 100, 900), 128, np.uint8)  # the whole keyboard in view
    kd = np.zeros((6, 88), np.uint8)
    kd[:, 40] = 1
    clips = [D.Clip(strips=strips, keydown=kd), D.Clip(strips=strips, keydown=kd)]
    right = kd.astype(np.float32)
    wrong = np.zeros((6, 88), np.float32)
    wrong[:, 41] = 1.0
    s = clip_spread(clips, [right, wrong], 0.5, resamples=400)
    assert s["perClipMicroF1"] == [1.0, 0.0]
    assert s["clipsAtLeast099"] == 1 and s["clipsBelow09"] == 1
    lo, hi = s["microF1CI95"]
    assert lo == 0.0 and hi == 1.0  # resamples of [right, right] and [wrong, wrong] both occur
    assert clip_spread(clips[:1], [right], 0.5)["microF1CI95"] == [1.0, 1.0]


def test_static_window_is_the_extractors() -> None:
    import re

    from audeo_training.video2roll.postprocess import STATIC_WINDOW_SEC

    ts = (Path(__file__).resolve().parents[2] / "src" / "extractor" / "pipeline.ts").read_text()
    m = re.search(r"export const STATIC_WINDOW_SEC = ([0-9.]+);", ts)
    assert m is not None and float(m.group(1)) == STATIC_WINDOW_SEC


def test_as_extracted_drops_a_stuck_key_that_the_raw_score_counts() -> None:
    from audeo_training.video2roll.evaluate import as_extracted, score

    frames = 40 * 25  # one 40-s clip: longer than the 30-s window
    strips = np.full((frames, 100, 900), 128, np.uint8)
    kd = np.zeros((frames, 88), np.uint8)
    kd[100:300, 40] = 1  # an 8-s hold: under half of any window, so it stays
    probs = kd.astype(np.float32)
    probs[:, 60] = 0.9  # a key the model reads as down in every frame
    clips = [D.Clip(strips=strips, keydown=kd)]
    raw, ext = score(clips, [probs], 0.5), as_extracted(clips, [probs], 0.5, 0.5)
    assert raw["keys88"]["micro"]["precision"] < 0.2
    assert ext["keys88"]["micro"]["f1"] == 1.0
