"""Audio and roll features shared by training, export and tests. Constants are written into the model cards.

Frames: frame t is centred at t * HOP / SR seconds (torch.stft center=True, Hann window of N_FFT); a key is "on" in
frame t when onset <= t*dt < offset. Input channels: [sustain x 88, onset x 88, offset x 88] (key k = MIDI 21 + k);
onset marks the frame nearest the onset and the next, offset the frame nearest the offset and the next.
Target: log1p(|STFT|) of 16 kHz mono audio in [-1, 1], bins 0..BINS-1 (0..4.5 kHz).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import torch

SR = 16000
N_FFT = 2048
HOP = 256
BINS = 576
KEYS = 88
LOWEST_MIDI = 21
IN_CHANNELS = 3 * KEYS
FPS = SR / HOP  # 62.5
FFMPEG = Path(__file__).resolve().parents[3] / "node_modules" / "@ffmpeg-installer" / "linux-x64" / "ffmpeg"


def load_audio(path: Path, sr: int = SR) -> np.ndarray:
    """Decodes any ffmpeg-readable file to mono float32 at `sr`."""
    exe = str(FFMPEG) if FFMPEG.exists() else "ffmpeg"
    raw = subprocess.run(
        [exe, "-v", "error", "-nostdin", "-i", str(path), "-ac", "1", "-ar", str(sr), "-f", "f32le", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.float32).copy()


def log_magnitude(audio: np.ndarray) -> np.ndarray:
    """(BINS, T) log1p(|STFT|), T = len // HOP + 1."""
    x = torch.from_numpy(audio.astype(np.float32))
    spec = torch.stft(x, N_FFT, HOP, window=torch.hann_window(N_FFT), center=True, return_complex=True)
    return torch.log1p(spec.abs()[:BINS]).numpy().astype(np.float32)


def load_notes(path: Path) -> np.ndarray:
    """OMAPS text: rows of (onsetSec, offsetSec, midiPitch)."""
    rows = [line.split() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return np.array([[float(a), float(b), float(c)] for a, b, c, *_ in rows], dtype=np.float64).reshape(-1, 3)


def notes_to_input(notes: np.ndarray, frames: int) -> np.ndarray:
    """(IN_CHANNELS, frames) float32 roll with onset/offset encoding."""
    x = np.zeros((IN_CHANNELS, frames), dtype=np.float32)
    for onset, offset, pitch in notes:
        k = int(round(pitch)) - LOWEST_MIDI
        if k < 0 or k >= KEYS:
            continue
        a = int(np.ceil(onset * FPS))
        b = max(a + 1, int(np.ceil(offset * FPS)))
        x[k, max(0, a) : min(frames, b)] = 1.0
        on = int(round(onset * FPS))
        off = int(round(offset * FPS))
        for t in (on, on + 1):
            if 0 <= t < frames:
                x[KEYS + k, t] = 1.0
        for t in (off, off + 1):
            if 0 <= t < frames:
                x[2 * KEYS + k, t] = 1.0
    return x
