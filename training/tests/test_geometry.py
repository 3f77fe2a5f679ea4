import json
from pathlib import Path

from audeo_training.geometry import all_key_spans, key_span

FIXTURE = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "keyboard-geometry.json"


def test_edges() -> None:
    assert abs(key_span(21).x0) < 1e-12
    assert abs(key_span(108).x1 - 1) < 1e-12


def test_matches_fixture_shared_with_typescript() -> None:
    want = json.loads(FIXTURE.read_text())
    got = [[s.midi, s.x0, s.x1] for s in all_key_spans()]
    assert len(got) == len(want) == 88
    for g, w in zip(got, want):
        assert g[0] == w[0]
        assert abs(g[1] - w[1]) < 1e-12 and abs(g[2] - w[2]) < 1e-12
