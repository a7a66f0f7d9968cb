"""Product code never reaches into the local dev stack: nothing under stir/sync/ imports
stir.stack (the stack may use the sync, not the other way round)."""

from __future__ import annotations

import ast
import subprocess
import sys

from stir.config import REPO_ROOT

SYNC = REPO_ROOT / "stir" / "sync"


def imported_modules(path) -> set[str]:
    """Every module an import statement in the file names, lazy (in-function) imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_no_sync_module_imports_the_stack():
    offenders = {str(p.relative_to(REPO_ROOT)): sorted(m for m in imported_modules(p) if m.startswith("stir.stack"))
                 for p in sorted(SYNC.rglob("*.py"))}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_sees_lazy_imports(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("def f():\n    from stir.stack import s3\n    return s3\n")
    assert "stir.stack" in imported_modules(planted)


def test_sync_cli_run_path_loads_no_stack_module():
    code = ("import sys, stir.sync.cli as c, stir.sync.s3client as s;"
            "from stir.sync import export, load, settings, tasks;"
            "s.client('http://127.0.0.1:9');"
            "bad = sorted(m for m in sys.modules if m.startswith('stir.stack'));"
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
