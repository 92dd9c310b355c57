"""Helpers for plugin tests: fake distributions and fresh interpreters (the
throwaway-plugin fixtures ``use_plugin`` and ``fresh_manager`` are in
``tests/conftest.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def write_fake_distribution(
    site: Path, dist: str, version: str, modules: dict[str, str], entry_points: dict
) -> None:
    """Write an installed-looking distribution: ``<dist>-<version>.dist-info``
    with METADATA and entry_points.txt, plus its modules, under ``site``."""
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n"
    )
    lines = ["[skmultimodal]"] + [f"{k} = {v}" for k, v in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for name, source in modules.items():
        (site / f"{name}.py").write_text(textwrap.dedent(source))


def run_python(code: str, *, extra_path=(), env=None, timeout=120) -> dict:
    """Run ``code`` in a fresh interpreter; it must print one JSON line last."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("SKMULTIMODAL_DISABLE_PLUGIN_AUTOLOAD", None)
    full_env.update(env or {})
    paths = [str(p) for p in extra_path] + [str(REPO)]
    if full_env.get("PYTHONPATH"):
        paths.append(full_env["PYTHONPATH"])
    full_env["PYTHONPATH"] = os.pathsep.join(paths)
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=str(REPO),
    )
    assert proc.returncode == 0, f"subprocess failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])
