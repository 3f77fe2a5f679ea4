"""Model cards and the models/ index: the one place that writes them (schema: models/card.schema.json).

Usage from an exporter:
    card = write_card(model_dir, name=..., version=..., type="video2roll", onnx_path=..., inputs=[...], ...)
    update_index(models_root, card, make_default=True)
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import onnx

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_ROOT = REPO_ROOT / "models"
MAX_MODEL_BYTES = 30 * 1024 * 1024


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def git_commit() -> str:
    try:
        return subprocess.check_output(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, text=True).strip()
    except Exception:  # noqa: BLE001 - no git (e.g. a copied tree on the GPU box)
        return "unknown"


def tensor(name: str, shape: list[int | str], dtype: str = "float32") -> dict[str, Any]:
    return {"name": name, "dtype": dtype, "shape": shape}


def write_card(
    model_dir: Path,
    *,
    name: str,
    version: str,
    type: str,  # noqa: A002 - matches the card field
    onnx_file: str = "model.onnx",
    inputs: list[dict[str, Any]],
    outputs: list[dict[str, Any]],
    output_kind: str,
    description: str = "",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Writes card.json beside model_dir/onnx_file; checks size, opset, and that the I/O names match the graph."""
    path = model_dir / onnx_file
    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise ValueError(f"{path} is {size / 1e6:.1f} MB; models must stay under 30 MB")
    graph = onnx.load(str(path), load_external_data=False)
    names_in = [i.name for i in graph.graph.input]
    names_out = [o.name for o in graph.graph.output]
    for t in inputs:
        if t["name"] not in names_in:
            raise ValueError(f"card input {t['name']!r} not in the ONNX graph inputs {names_in}")
    for t in outputs:
        if t["name"] not in names_out:
            raise ValueError(f"card output {t['name']!r} not in the ONNX graph outputs {names_out}")
    opset = max((o.version for o in graph.opset_import if o.domain in ("", "ai.onnx")), default=0)
    card: dict[str, Any] = {
        "schema": "audeo.card/1",
        "name": name,
        "version": version,
        "type": type,
        "description": description,
        "file": onnx_file,
        "sha256": sha256_file(path),
        "sizeBytes": size,
        "opset": opset,
        "inputs": inputs,
        "outputs": outputs,
        "outputKind": output_kind,
        "createdAt": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    if extra:
        card.update(extra)
    card.setdefault("training", {}).setdefault("commit", git_commit())
    (model_dir / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    return card


def update_index(card: dict[str, Any], *, make_default: bool = False, models_root: Path = MODELS_ROOT) -> None:
    """Adds or replaces the card's entry in models/index.json; optionally makes it the default of its type."""
    index_path = models_root / "index.json"
    index: dict[str, Any] = json.loads(index_path.read_text()) if index_path.exists() else {"schema": "audeo.models/1", "defaults": {}, "models": []}
    entry = {
        "name": card["name"],
        "version": card["version"],
        "type": card["type"],
        "path": f"{card['name']}/{card['version']}",
        "sizeBytes": card["sizeBytes"],
        "description": card.get("description", ""),
    }
    index["models"] = [m for m in index["models"] if not (m["name"] == card["name"] and m["version"] == card["version"])]
    index["models"].append(entry)
    index["models"].sort(key=lambda m: (m["type"], m["name"], m["version"]))
    if make_default:
        index["defaults"][card["type"]] = f"{card['name']}@{card['version']}"
    index_path.write_text(json.dumps(index, indent=2) + "\n")
