"""The scenario data files: ``.npz`` archives written atomically and byte-reproducibly.

``np.savez`` stamps each member with the current time, so two runs would differ; here every member
gets a fixed timestamp and a sorted order, and ``meta`` is a JSON string (loadable without pickle).
A file is rewritten only when its bytes change, so build rules that depend on it stay quiet.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
_EPOCH = (1980, 1, 1, 0, 0, 0)


def data_dir() -> Path:
    """Where scenario files live: ``$GD_DATA_DIR`` or ``<project>/build/data``."""
    return Path(os.environ.get("GD_DATA_DIR", ROOT / "build" / "data"))


def encode(arrays: dict, meta: dict) -> bytes:
    """The exact bytes of the archive for ``arrays`` plus ``meta`` (deterministic)."""
    buf = io.BytesIO()
    members = dict(arrays)
    members["meta"] = np.array(json.dumps(meta, sort_keys=True))
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(members):
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(members[key]), allow_pickle=False)
            zf.writestr(info, member.getvalue())
    return buf.getvalue()


def write_atomic(path: Path, data: bytes, *, always: bool = False) -> bool:
    """Write ``data`` to ``path`` via a temp file and rename; skip if the bytes are unchanged
    (unless ``always``).

    Returns True when the file was (re)written.
    """
    path = Path(path)
    if not always and path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def save(path, arrays: dict, meta: dict) -> bool:
    return write_atomic(Path(path), encode(arrays, meta))


class ScenarioData(NamedTuple):
    """A loaded scenario file: its arrays by name and its metadata."""

    arrays: dict
    meta: dict

    def __getitem__(self, key):  # data["positions"]
        return self.arrays[key]

    @property
    def lr(self) -> float:
        return self.meta["params"]["lr"]


def load(path) -> ScenarioData:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "meta"}
        meta = json.loads(str(z["meta"][()]))
    return ScenarioData(arrays, meta)


def load_scenario(name: str) -> ScenarioData:
    """The one loader scenes and figures use: ``<data dir>/<name>.npz``."""
    path = data_dir() / f"{name}.npz"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; run `make data` to write the scenario files")
    return load(path)
