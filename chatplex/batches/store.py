"""The batch handle: a small JSON file that lets any later process find, collect, retry
or cancel what a batch submission paid for.

It is written before `submit_batch` sends anything and again after every step (each
upload, each job created, each status change), always atomically (a temporary file in
the same directory, fsynced, then renamed), so an interrupted script -- Ctrl-C, a crash,
a killed process -- leaves a whole handle behind. It holds no credential: never the API
key, never a header; a base URL whose query carries a key is stored masked and the
model must then be given to `load(..., model=...)`.

Format (public, versioned; readable with `json` alone)::

    {"format": "chatplex.batch", "version": 1, "id": "cpb-...", "provider": "openai",
     "model": "gpt-4o-mini", "base_url": "https://api.openai.com/v1", "count": 120000,
     "prefix": "cpb1a2b3c4", "created_at": 1767000000.0, "data_dir": ".../cpb-....d",
     "jobs": [{"id": "batch_...", "ranges": [[0, 50000]], "count": 50000,
               "requests": ".../job-0.jsonl", "status": "completed", "ended": true,
               "counts": {"pending": 0, "succeeded": 49990, ...}, "results": [...],
               "collected": true, ...}]}

Row `i` of the input is sent with `custom_id` `"<prefix>-<i>"`; `ranges` list the input
rows a job holds (a retry job holds the failed rows of earlier ones, answered by the
latest job that holds them).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from .errors import BatchFormatError

__all__ = ["FORMAT", "VERSION", "Handle", "default_dir", "find", "read", "write"]

FORMAT = "chatplex.batch"
VERSION = 1
#: Where handles go when `submit_batch` is not told (`handle_dir=`): this variable, or
#: `~/.chatplex/batches`.
DIR_VARIABLE = "CHATPLEX_BATCH_DIR"


def default_dir() -> Path:
    """`$CHATPLEX_BATCH_DIR`, else `~/.chatplex/batches`."""
    configured = os.environ.get(DIR_VARIABLE)
    return Path(configured) if configured else Path.home() / ".chatplex" / "batches"


@dataclass
class Handle:
    """A batch as saved on disk; `jobs` are JSON-ready dicts (see the module docstring)."""

    provider: str
    model: str
    base_url: str
    count: int
    path: Path
    data_dir: Path
    id: str = ""
    prefix: str = ""
    created_at: float = field(default_factory=time.time)
    base_url_masked: bool = False
    jobs: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def new(
        cls, provider: str, model: str, base_url: str, count: int, directory: Path, *, masked: bool
    ) -> Handle:
        token = secrets.token_hex(4)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        hid = f"cpb-{stamp}-{token}"
        directory.mkdir(parents=True, exist_ok=True)
        return cls(
            provider=provider,
            model=model,
            base_url=base_url,
            count=count,
            path=directory / f"{hid}.json",
            data_dir=directory / f"{hid}.d",
            id=hid,
            prefix=f"cpb{token}",
            base_url_masked=masked,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "id": self.id,
            "provider": self.provider,
            "model": self.model,
            "base_url": self.base_url,
            "base_url_masked": self.base_url_masked,
            "count": self.count,
            "prefix": self.prefix,
            "created_at": self.created_at,
            "data_dir": str(self.data_dir),
            "jobs": self.jobs,
        }

    @classmethod
    def from_json(cls, data: Any, path: Path) -> Handle:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BatchFormatError(f"{path} is not a chatplex batch handle")
        if data.get("version") != VERSION:
            raise BatchFormatError(
                f"{path}: handle version {data.get('version')!r}, this chatplex reads {VERSION}"
            )
        try:
            return cls(
                provider=str(data["provider"]),
                model=str(data["model"]),
                base_url=str(data["base_url"]),
                base_url_masked=bool(data.get("base_url_masked")),
                count=int(data["count"]),
                path=path,
                data_dir=Path(data["data_dir"]),
                id=str(data["id"]),
                prefix=str(data["prefix"]),
                created_at=float(data["created_at"]),
                jobs=list(data["jobs"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BatchFormatError(f"{path}: incomplete batch handle ({exc!r})") from exc


def write(handle: Handle, path: Path | None = None) -> Path:
    """Write `handle` to `path` (default: its own) atomically; return the path."""
    target = Path(path) if path is not None else handle.path
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(handle.to_json(), out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return target


def read(path: Path) -> Handle:
    """The handle saved at `path`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BatchFormatError(f"{path} is not JSON: {exc}") from exc
    return Handle.from_json(data, Path(path))


def find(key: str, directory: Path | None = None) -> Path:
    """The handle file for `key`: the path of an existing file (whatever its name: a handle
    saved as `run.job` is loaded from `run.job`), a handle id, or a provider job id
    (`batch_...`, `msgbatch_...`) found among the handles in `directory` (default:
    `default_dir()`)."""
    as_path = Path(key)
    if as_path.is_file():
        return as_path
    folder = directory or default_dir()
    direct = folder / f"{key}.json"
    if direct.exists():
        return direct
    for candidate in sorted(folder.glob("*.json")):
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            continue
        if any(job.get("id") == key for job in data.get("jobs", ())):
            return candidate
    raise FileNotFoundError(f"no batch handle for {key!r} (looked in {folder})")
