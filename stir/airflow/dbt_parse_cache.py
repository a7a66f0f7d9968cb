"""A persistent cache of dbt's partial-parse state, so a tier task parses the project once per change.

airflow-dbt-python copies the project into a fresh temp dir for every task, where dbt never
finds its `target/partial_parse.msgpack` and parses all 112 models, 825 tests and 613 macros
again (~13 s of CPU, minutes on a loaded machine). This module keeps that file in
`$STIR_DBT_PARSE_CACHE_DIR` (default `$STIR_HOME/dbt-parse-cache/`), one file per key:

    key = sha256(every file of the project except target/ and logs/, profile, target,
                 dbt version, --vars)

Before dbt starts, the cached file for the key is copied into the temp project's target dir;
dbt still runs its own checks (version, vars, profile, env vars, per-file checksums) and
re-parses whatever they reject. After the run, if dbt wrote a new state, it is stored under
the key through a temp name and os.replace, so concurrent tasks only ever read a whole file.
A missing, stale or unreadable file costs one full parse and one log line, never the run.
`STIR_DBT_PARSE_CACHE=0` turns the cache off (the bench's baseline).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

PARSE_FILE = "partial_parse.msgpack"
SKIP_DIRS = frozenset({"target", "logs", "__pycache__", ".git"})
KEEP_ENTRIES = 8  # older keys (earlier deploys) are pruned beyond this many

log = logging.getLogger(__name__)


def enabled() -> bool:
    return os.environ.get("STIR_DBT_PARSE_CACHE", "1").strip().lower() not in ("0", "false", "no", "off")


def cache_dir() -> Path:
    configured = os.environ.get("STIR_DBT_PARSE_CACHE_DIR")
    if configured:
        return Path(configured)
    from stir.config import stir_home

    return stir_home() / "dbt-parse-cache"


def project_key(project_dir: str | Path, *, profile: str | None, target: str | None,
                dbt_version: str, extra: str = "") -> str:
    """Content hash of the project (paths + bytes, sorted) and the parse inputs outside it."""
    root = Path(project_dir)
    digest = hashlib.sha256()
    for part in (profile or "", target or "", dbt_version, extra):
        digest.update(part.encode() + b"\0")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath, name)
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:32]


def target_dir(project_dir: str | Path) -> Path:
    """Where dbt reads and writes partial_parse.msgpack: the project's target-path (default target/).

    airflow-dbt-python builds dbt's flags from the operator, not from the environment, so
    DBT_TARGET_PATH does not move it.
    """
    import yaml

    try:
        project = yaml.safe_load((Path(project_dir) / "dbt_project.yml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        project = {}
    path = Path(project.get("target-path") or "target")
    return path if path.is_absolute() else Path(project_dir) / path


@dataclass
class ParseEvents:
    """dbt's own account of its parse, collected from its event stream."""

    full_reasons: list[str] = field(default_factory=list)
    load_failed: str | None = None
    partial: str | None = None
    warnings: list[str] = field(default_factory=list)  # dbt warnings during the parse (deprecations)

    def __call__(self, msg) -> None:
        name = msg.info.name
        if msg.info.level == "warn":
            self.warnings.append(name)
        if name == "UnableToPartialParse":
            self.full_reasons.append(msg.data.reason)
        elif name == "ParsedFileLoadFailed":
            self.load_failed = msg.data.exc[:200]
        elif name == "PartialParsingEnabled":
            d = msg.data
            self.partial = f"{d.added} added, {d.changed} changed, {d.deleted} deleted"

    def describe(self) -> str:
        if self.load_failed:
            return f"cached state unreadable ({self.load_failed}); dbt did a full parse"
        if self.full_reasons:
            return f"dbt did a full parse ({'; '.join(self.full_reasons)})"
        if self.partial:
            return f"dbt reused the cached state (partial parse: {self.partial} files)"
        return "dbt reused the cached state (no file changed, no parse)"


class ParseCache:
    """The cache entry for one project content; place() before dbt runs, store() after."""

    def __init__(self, key: str, directory: Path, logger: logging.Logger | None = None):
        self.log = logger or log
        self.key = key
        self.directory = directory
        self.entry = directory / f"{key}.msgpack"
        self._placed: Path | None = None
        self._placed_stat: tuple[int, int] | None = None

    @classmethod
    def for_project(cls, project_dir: str | Path, *, profile: str | None, target: str | None,
                    vars_: object = None, logger: logging.Logger | None = None) -> ParseCache:
        from dbt.version import __version__

        key = project_key(project_dir, profile=profile, target=target, dbt_version=__version__,
                          extra=repr(vars_ or {}))
        return cls(key, cache_dir(), logger)

    def place(self, target: Path) -> bool:
        """Copy the cached state into dbt's target dir; False (and one log line) on a miss."""
        dest = target / PARSE_FILE
        self._placed = dest
        try:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.entry, dest)
        except FileNotFoundError:
            self.log.info("dbt parse cache: no state for this project content (key %s); dbt does a full parse",
                     self.key[:12])
            self._placed_stat = None
            return False
        st = dest.stat()
        self._placed_stat = (st.st_mtime_ns, st.st_size)
        self.log.info("dbt parse cache: using %s", self.entry)
        return True

    def store(self, events: ParseEvents | None = None) -> bool:
        """Keep dbt's new state under the key, atomically; True if something was stored."""
        src = self._placed
        if src is None:
            return False
        if not src.exists():
            self.log.warning("dbt parse cache: dbt wrote no parse state at %s; nothing stored", src)
            return False
        st = src.stat()
        if self._placed_stat == (st.st_mtime_ns, st.st_size):
            self.log.info("dbt parse cache: %s", (events or ParseEvents()).describe())
            return False
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{self.key}.{os.getpid()}.tmp"
        shutil.copyfile(src, tmp)
        os.replace(tmp, self.entry)
        self.log.info("dbt parse cache: %s; stored the new state as %s",
                 (events or ParseEvents()).describe(), self.entry)
        self.prune()
        return True

    def prune(self, keep: int = KEEP_ENTRIES) -> None:
        try:
            entries = sorted(self.directory.glob("*.msgpack"), key=lambda p: p.stat().st_mtime, reverse=True)
        except FileNotFoundError:  # a concurrent task pruned first
            return
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
