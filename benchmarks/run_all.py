"""Run every benchmark under ``benchmarks/`` and write ``docs/benchmarks.md``.

Usage::

    python benchmarks/run_all.py                       # full run: ~1.5 h on 2 cores
    python benchmarks/run_all.py --quick               # tiny sizes, to check it runs
    python benchmarks/run_all.py --only hog streaming  # some modules only

Only a full run (no ``--quick``, no ``--only``) writes ``docs/benchmarks.md``
by default; the others write a new file in the system's temporary folder
unless ``--output`` is given, and say where.

Each ``benchmarks/bench_<name>.py`` either exposes ``run(ctx)`` returning a
``_harness.Section`` (or a list of them), or is a script printing Markdown,
which is then run in a subprocess and its output included as is.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shlex
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from _harness import ROOT, Context, Section, positive_int, write_page  # noqa: E402

# Modules run first, in this order; any other bench_*.py follows by name.
ORDER = [
    "hog",
    "read",
    "fusion",
    "parallel",
    "models",
    "image_tokens",
    "streaming",
    "predict",
    "tabular",
    "accuracy",
    "image",
    "text",
    "unreadable",
    "backbones",
    "style_shift",
]
# Modules whose results another module already puts on the page.
COVERED = {
    "fusion_accuracy": "its configurations are the fusion rows of `bench_accuracy`",
}
# Extra arguments for script-style modules (without run(ctx)).
SCRIPT_ARGS = {
    # the attention-classifier table trains 15 networks (about 20 min on 2
    # cores); the models user guide shows it from its own run
    "robustness": {"quick": ["--quick"], "full": ["--skip-attention"]},
    # skips itself (exit 0, one line) without the Noto Color Emoji font
    "style_shift": {"quick": ["--quick", "--skip-keras", "--skip-cv"], "full": []},
}


def discover():
    names = sorted(p.stem[len("bench_") :] for p in BENCH_DIR.glob("bench_*.py"))
    ordered = [n for n in ORDER if n in names]
    return ordered + [n for n in names if n not in ordered]


def module_name(text):
    """An argparse ``type`` for ``--only``: ``hog`` or ``bench_hog`` (or
    ``bench_hog.py``) gives ``hog``; ``choices`` then checks it exists."""
    return text.removesuffix(".py").removeprefix("bench_")


def _as_sections(result):
    return list(result) if isinstance(result, (list, tuple)) else [result]


def run_script(name, ctx):
    """A script-style module: run it, include its Markdown output."""
    path = BENCH_DIR / f"bench_{name}.py"
    source = path.read_text(encoding="utf-8")
    args = list(SCRIPT_ARGS.get(name, {}).get("quick" if ctx.quick else "full", []))
    if ctx.quick and "--quick" in source and not args:
        args.append("--quick")
    if "--repeats" in source:
        args += ["--repeats", str(ctx.repeats)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in [str(ROOT), str(BENCH_DIR), env.get("PYTHONPATH", "")] if p
    )
    proc = subprocess.run(
        [sys.executable, str(path), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"`python benchmarks/bench_{name}.py {' '.join(args)}` exited with "
            f"{proc.returncode}:\n{proc.stderr[-2000:]}"
        )
    text = proc.stdout.strip()
    lines = text.splitlines()
    if lines and lines[0].startswith("#"):  # drop the script's own title
        text = "\n".join(lines[1:]).strip()
    if "|---" not in text:  # plain text report: keep its layout
        text = "```text\n" + text + "\n```"
    return [
        Section(
            f"{name} (`benchmarks/bench_{name}.py`)",
            intro=f"Output of `python benchmarks/bench_{name}.py {' '.join(args)}`.",
            markdown=text,
        )
    ]


def run_module(name, ctx):
    module = importlib.import_module(f"bench_{name}")
    if hasattr(module, "run"):
        return _as_sections(module.run(ctx))
    return run_script(name, ctx)


def main(argv=None):
    runnable = [n for n in discover() if n not in COVERED]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes and 2 repeats (smoke run)"
    )
    parser.add_argument(
        "--repeats",
        type=positive_int,
        default=None,
        help="timed repeats (default 5; quick 2)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="Markdown page to write (default: docs/benchmarks.md for a full "
        "run; a new file in the temporary folder with --quick or --only)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        type=module_name,
        choices=runnable,
        default=None,
        metavar="NAME",
        help="run only these modules, by exact name (hog runs bench_hog.py): "
        + ", ".join(runnable),
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 5)
    names = [n for n in runnable if args.only is None or n in args.only]
    command = shlex.join(
        ["python", "benchmarks/run_all.py"]
        + (["--quick"] if args.quick else [])
        + (["--repeats", str(args.repeats)] if args.repeats else [])
        + (["--only", *dict.fromkeys(args.only)] if args.only else [])
        + (["--output", str(args.output)] if args.output else [])
    )
    output = args.output
    if output is None and (args.quick or args.only):
        # docs/benchmarks.md is the full run's page: a partial or quick page
        # goes to a new file of its own
        fd, name = tempfile.mkstemp(prefix="skmultimodal-benchmarks-", suffix=".md")
        os.close(fd)
        output = Path(name)
        print(
            f"[run_all] --quick/--only without --output: writing {output} "
            "(docs/benchmarks.md is written by a full run only)",
            flush=True,
        )
    elif output is None:
        output = ROOT / "docs" / "benchmarks.md"
    start = time.perf_counter()
    load_start = os.getloadavg()
    sections, failed = [], []
    shared = {}
    with tempfile.TemporaryDirectory(prefix="skmultimodal-bench-") as tmp:
        for name in names:
            print(f"[run_all] bench_{name} ...", flush=True)
            t0 = time.perf_counter()
            ctx = Context(
                quick=args.quick,
                repeats=repeats,
                workdir=Path(tmp) / name,
                shared=shared,
            )
            ctx.workdir.mkdir(parents=True, exist_ok=True)
            try:
                new = run_module(name, ctx)
            except Exception:
                failed.append(name)
                new = [
                    Section(
                        f"bench_{name}: failed",
                        markdown="```\n" + traceback.format_exc()[-3000:] + "\n```",
                    )
                ]
            seconds = time.perf_counter() - t0
            shared[name] = new
            for s in new:
                if not s.seconds:
                    s.seconds = seconds / len(new)
            sections += new
            print(f"[run_all] bench_{name}: {seconds:.0f} s", flush=True)
    elapsed = time.perf_counter() - start
    load_end = os.getloadavg()
    notes = [
        f"1-minute load average at start / end: {load_start[0]:.1f} / "
        f"{load_end[0]:.1f}",
    ]
    notes += [
        f"`bench_{n}.py` is not run separately: {why}." for n, why in COVERED.items()
    ]
    write_page(
        output,
        sections,
        command=command,
        quick=args.quick,
        elapsed=elapsed,
        machine_notes=notes,
    )
    print(f"[run_all] wrote {output} in {elapsed:.0f} s", flush=True)
    if failed:
        print(f"[run_all] failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
