"""Roll2Midi: model shapes, the simulated Video2Roll inputs, windowed blending, and a 20-step training smoke run.
No shared data needed (synthetic label rolls)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from audeo_training.roll2midi import data as D
from audeo_training.roll2midi.models import LightRefiner, PaperGenerator, PatchDiscriminator, build


def synthetic_rolls(n: int, frames: int, seed: int) -> list[D.LabelRoll]:
    """Random notes; sounding = key-down extended by 0-8 frames (a decay / pedal stand-in)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kd = np.zeros((frames, 88), np.uint8)
        snd = np.zeros((frames, 88), np.uint8)
        for _ in range(frames // 4):
            k, a = int(rng.integers(20, 70)), int(rng.integers(0, frames - 2))
            b = min(frames, a + int(rng.integers(1, 20)))
            kd[a:b, k] = 1
            snd[a : min(frames, b + int(rng.integers(0, 9))), k] = 1
        out.append(D.LabelRoll(f"synthetic-{i}", kd, snd))
    return out


def test_model_shapes() -> None:
    x = torch.rand(2, 100, 88)
    paper = PaperGenerator(width=2).eval()
    out = paper(x)
    assert set(out) == {"frame"} and out["frame"].shape == (2, 100, 88)
    assert all(m.eps == 0.8 for m in paper.modules() if isinstance(m, torch.nn.BatchNorm2d))
    # stride 1 everywhere: any window length/key count maps to itself
    assert paper(torch.rand(1, 37, 51))["frame"].shape == (1, 37, 51)
    light = LightRefiner().eval()
    lo = light(x)
    assert set(lo) == {"frame", "onset"} and lo["frame"].shape == (2, 100, 88) and lo["onset"].shape == (2, 100, 88)
    assert PatchDiscriminator()(x).shape == (2, 1, 13, 11)
    with pytest.raises(ValueError, match="unknown Roll2Midi arch"):
        build("nope")


def test_light_refiner_starts_near_identity_on_input_logit() -> None:
    """The residual on the input logit means a strong input survives before any training."""
    torch.manual_seed(0)
    light = LightRefiner().eval()
    x = torch.full((1, 100, 88), 0.02)
    x[0, 20:60, 40] = 0.95
    with torch.no_grad():
        p = torch.sigmoid(light(x)["frame"])[0]
    assert float(p[20:60, 40].mean()) > float(p[:, 10].mean())


def test_note_spans_and_onsets() -> None:
    r = np.zeros((10, 88), np.uint8)
    r[2:5, 3] = 1
    r[6:10, 3] = 1
    r[0:1, 87] = 1
    assert sorted(D.note_spans(r)) == [(3, 2, 5), (3, 6, 10), (87, 0, 1)]
    on = D.onset_roll(r)
    assert on.sum() == 3 and on[2, 3] == on[6, 3] == on[0, 87] == 1


def test_simulate_v2r_properties() -> None:
    roll = synthetic_rolls(1, 400, 3)[0].keydown
    a = D.simulate_v2r(roll, np.random.default_rng(7))
    b = D.simulate_v2r(roll, np.random.default_rng(7))
    c = D.simulate_v2r(roll, np.random.default_rng(8))
    assert a.shape == roll.shape and a.dtype == np.float32
    assert np.array_equal(a, b) and not np.array_equal(a, c)  # seeded, and random
    assert a.min() >= 0.0 and a.max() <= 1.0
    on, off = a[roll == 1], a[roll == 0]
    assert on.mean() > 0.45 and off.mean() < 0.1  # informative but soft
    assert 0.2 < ((a >= 0.4) == (roll == 1))[roll == 1].mean() < 0.99  # some key-down frames are missed
    assert ((a >= 0.4) & (roll == 0)).sum() > 0  # and some spurious ones appear
    silent = D.simulate_v2r(np.zeros((200, 88), np.uint8), np.random.default_rng(0))
    assert (silent >= 0.4).mean() < 0.005


def test_window_sampler_batches() -> None:
    s = D.WindowSampler(synthetic_rolls(2, 300, 1), seed=0)
    x, y, on = s.batch(5)
    assert x.shape == y.shape == on.shape == (5, 100, 88)
    assert x.dtype == y.dtype == on.dtype == np.float32
    assert set(np.unique(y)) <= {0.0, 1.0} and (on <= y).all()
    with pytest.raises(ValueError):
        D.WindowSampler(synthetic_rolls(1, 50, 1), seed=0)


def test_window_starts_match_the_ts_runner() -> None:
    # src/extractor/windows.ts windowStarts: step hop, the last window ends at the clip's end
    assert D.window_starts(80, 100, 50) == [0]
    assert D.window_starts(100, 100, 50) == [0]
    assert D.window_starts(250, 100, 50) == [0, 50, 100, 150]
    assert D.window_starts(237, 100, 50) == [0, 50, 100, 137]


@pytest.mark.parametrize("frames", [37, 100, 237, 1000])
@pytest.mark.parametrize("blend", ["triangular", "hann", "none"])
def test_run_windowed_reconstructs_a_constant_roll(frames: int, blend: str) -> None:
    roll = np.full((frames, 88), 0.3, np.float32)
    calls = []

    def fn(x: np.ndarray) -> dict[str, np.ndarray]:
        calls.append(len(x))
        return {"frame": np.full_like(x, 0.7), "onset": x * 2}

    out = D.run_windowed(roll, fn, size=100, hop=50, blend=blend, batch=3)
    np.testing.assert_allclose(out["frame"], 0.7, atol=1e-6)
    assert out["onset"].shape == (frames, 88)
    # zero padding past the clip's end never leaks into the clip
    np.testing.assert_allclose(out["onset"], 0.6, atol=1e-6)
    assert sum(calls) == len(D.window_starts(frames, 100, 50))


def test_run_windowed_identity_keeps_a_varying_roll() -> None:
    roll = np.random.default_rng(0).random((333, 88)).astype(np.float32)
    out = D.run_windowed(roll, lambda x: {"frame": x.copy()}, size=100, hop=50, blend="triangular")
    np.testing.assert_allclose(out["frame"], roll, atol=1e-5)


@pytest.mark.parametrize("arch,extra", [("light", ["--batch", "4"]), ("paper", ["--width", "2", "--crop", "16", "--batch", "2"])])
def test_training_smoke(tmp_path: Path, arch: str, extra: list[str]) -> None:
    from audeo_training.roll2midi import train as T

    torch.set_num_threads(1)
    a = T.parser().parse_args(["--arch", arch, "--max-steps", "20", "--val-windows", "6", "--out", str(tmp_path), *extra])
    metrics = T.train(a, synthetic_rolls(3, 240, 0), synthetic_rolls(1, 240, 1))
    assert metrics["steps"] == 20
    for f in ("config.json", "model.pt", "log.jsonl", "metrics.json"):
        assert (tmp_path / f).exists(), f
    cfg = json.loads((tmp_path / "config.json").read_text())
    assert cfg["arch"] == arch and "commit" in cfg
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    loss_key = "loss" if arch == "light" else "g"
    losses = [r[loss_key] for r in log if loss_key in r]
    assert losses and all(np.isfinite(losses))
    model = build(arch, **cfg["kwargs"])
    model.load_state_dict(torch.load(tmp_path / "model.pt", map_location="cpu", weights_only=True))
    assert 0.0 <= metrics["valF1@0.4"] <= 1.0 and 0.2 <= metrics["threshold"] <= 0.7


@pytest.mark.parametrize("arch,kwargs", [("light", {}), ("paper", {"width": 2})])
def test_onnx_export_matches_torch(tmp_path: Path, arch: str, kwargs: dict[str, int]) -> None:
    import onnxruntime as ort

    from audeo_training.roll2midi.export import export_onnx, torch_outputs

    torch.manual_seed(0)
    model = build(arch, **kwargs).eval()
    names = export_onnx(model, tmp_path / "model.onnx")
    assert names == (["frame", "onset"] if arch == "light" else ["frame"])
    x = np.random.default_rng(0).random((3, 100, 88)).astype(np.float32)
    want = torch_outputs(model, x)
    sess = ort.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    got = dict(zip(names, sess.run(names, {"roll_in": x})))
    for n in names:
        assert got[n].shape == (3, 100, 88)
        assert 0.0 <= got[n].min() and got[n].max() <= 1.0  # probabilities: the sigmoid is inside the graph
        np.testing.assert_allclose(got[n], want[n], atol=1e-4)


def _rows(rows: list[str]) -> np.ndarray:
    """One string per key, one character per frame ('#' = 1, '.' = 0, digit = tenths) -> [frames, 88] (key 0 = MIDI 21)."""
    out = np.zeros((len(rows[0]), 88), np.float32)
    for k, row in enumerate(rows):
        for t, ch in enumerate(row):
            out[t, 60 - 21 + k] = 1.0 if ch == "#" else 0.0 if ch == "." else int(ch) / 10
    return out


def test_anchor_notes_matches_the_ts_decoder_on_the_shared_cases() -> None:
    """test/fixtures/anchor-cases.json is replayed by jest (test/core/anchor.test.ts) through src/core/notes.ts too."""
    from audeo_training.roll2midi.evaluate import anchor_notes, decode_notes

    spec = json.loads((Path(__file__).resolve().parents[2] / "test" / "fixtures" / "anchor-cases.json").read_text())
    fps = float(spec["fps"])
    names = {"threshold": "threshold", "snapFrames": "snap", "minFrames": "min_frames", "onsetThreshold": "onset_threshold"}
    for case in spec["cases"]:
        kd = decode_notes(_rows(case["keyDownRows"]), 0.4, min_frames=1, fps=fps)
        opts = {names[k]: v for k, v in case["opts"].items()}
        threshold = float(opts.pop("threshold", 0.4))
        onsets = _rows(case["onsetRows"]) if "onsetRows" in case else None
        got = anchor_notes(kd, _rows(case["soundingRows"]), threshold, onsets=onsets, fps=fps, **opts)
        spans = [[int(round(m)), int(round(a * fps)), int(round(b * fps))] for a, b, m in got]
        assert spans == case["expected"], case["name"]


def test_training_on_video2roll_outputs_smoke(tmp_path: Path) -> None:
    """--real: windows of a video2roll model's own outputs on rendered clips (here: random strips through the tiny
    fixture model) mixed into each batch, validation on the val clips' outputs."""
    from audeo_training.roll2midi import train as T

    rng = np.random.default_rng(0)
    for split, n in (("train", 2), ("val", 1)):
        (tmp_path / "data" / split).mkdir(parents=True)
        for i in range(n):
            kd = (rng.random((120, 88)) < 0.05).astype(np.uint8)
            np.savez_compressed(tmp_path / "data" / split / f"clip-{i:05d}.npz", strips=rng.integers(0, 255, (120, 100, 900), dtype=np.uint8),
                                keydown=kd, sounding=kd)
    torch.set_num_threads(1)
    fixtures = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "models"
    out = tmp_path / "run"
    a = T.parser().parse_args(["--arch", "light", "--max-steps", "6", "--batch", "4", "--out", str(out), "--real", str(tmp_path / "data"),
                               "--models-root", str(fixtures), "--v2r", "tiny-v2r@1.0.0", "--real-share", "0.5"])
    metrics = T.train(a, synthetic_rolls(3, 240, 0), synthetic_rolls(1, 240, 1))
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["real"]["video2roll"] == "tiny-v2r@1.0.0" and cfg["real"]["valWindows"] == 1
    assert metrics["valWindows"] == 1 and "rendered val clips" in metrics["convention"]
    assert (tmp_path / "data" / "r2m-cache").is_dir()  # the video2roll outputs are cached beside the data
