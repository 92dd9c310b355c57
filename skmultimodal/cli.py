"""The ``skmultimodal`` command line (``evaluate``, ``train``, ``predict``,
``plugins``, ``datasets``): it parses the arguments, reads the input files
and writes the results; the work is the library's. Every error is printed
as one line, ``skmultimodal: error: ...``: exit status 2 for bad input (see
:func:`_is_bad_input`), 1 for any other failure; ``--debug`` shows the
traceback instead."""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from contextlib import closing
from pathlib import Path

PROG = "skmultimodal"
#: Exit status for bad input or usage (as argparse uses).
EXIT_USAGE = 2
#: Exit status for a failure while fitting or predicting.
EXIT_FAILURE = 1
#: Exit status when standard output is closed early (``... | head``): what a
#: shell reports for a process killed by SIGPIPE (128 + 13), as Unix tools do.
EXIT_BROKEN_PIPE = 141
DEFAULT_REPORT_DIR = "skmultimodal-report"
#: ``--quick`` evaluates a stratified subset of at most this many rows.
QUICK_MAX_ROWS = 600
#: ``--missing`` values: the policies, and ``error``, another spelling of
#: ``raise``.
MISSING_CHOICES = ("raise", "error", "zero", "mean", "indicator")


class CLIError(Exception):
    """An error caused by the user's input; printed as one line."""


def _write_json(doc, path):
    from skmultimodal.utils import atomic_write

    # a temporary file renamed over `path` once complete: never half a file
    with atomic_write(Path(path), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2)


def _names(text, option, what):
    """The names of a comma-separated ``option`` value (None: not given)."""
    names = None if text is None else [m.strip() for m in text.split(",")]
    if names is None or any(names):
        return names and [m for m in names if m]
    hint = ""
    if option == "--methods":
        from skmultimodal.model_selection._models import fusion_method_names

        hint = f"; available methods: {', '.join(fusion_method_names())}"
    raise CLIError(f"{option} needs at least one {what}{hint}")


def _tabular(args):
    """``{"numeric": [...], "categorical": [...]}`` of ``--numeric-columns``
    and ``--categorical-columns`` (None when neither is given)."""
    numeric = _names(
        getattr(args, "numeric_columns", None), "--numeric-columns", "column"
    )
    categorical = _names(
        getattr(args, "categorical_columns", None), "--categorical-columns", "column"
    )
    if not (numeric or categorical):
        return None
    both = sorted(set(numeric or ()) & set(categorical or ()))
    if both:
        raise CLIError(
            f"column(s) {', '.join(map(repr, both))} given as both numeric and "
            "categorical"
        )
    return {"numeric": numeric or [], "categorical": categorical or []}


def _read_table(args, modalities, **kwargs):
    """``load_table`` of the ``--csv`` options; with the ``raise`` policy,
    every empty cell of ``modalities`` is refused before anything is fitted."""
    from skmultimodal.datasets._table import check_no_missing, load_table
    from skmultimodal.fusion._missing_policy import canonical_missing

    policy = canonical_missing(args.missing)
    columns = {"image": args.image_column, "text": args.text_column}
    tabular = getattr(args, "tabular", None) or {}  # set by train
    X, y, groups = load_table(
        args.csv,
        image_column=columns["image"],
        text_column=columns["text"],
        tabular_columns=[c for cols in tabular.values() for c in cols],
        allow_absent_images=policy != "raise",
        **kwargs,
    )
    if policy == "raise":
        used = [m for m in modalities if m in X.columns]
        check_no_missing(X, used, columns, args.csv)
    return X, y, groups


# ------------------------------------------------------------ commands ---
def cmd_evaluate(args):
    from skmultimodal import report
    from skmultimodal.datasets._bundled import load_bundled
    from skmultimodal.model_selection import _compare, _models
    from skmultimodal.utils._paths import check_output_dir, check_output_file

    # where the results go, first, then the names: fail before any work
    report_dir = check_output_dir(args.output, "--output").resolve()
    if args.json is not None:  # it may go in the report folder, made before it
        check_output_file(args.json, "--json", (".json",), also_ok=report_dir)
    models = _names(args.models, "--models", "model name")
    methods = _names(args.methods, "--methods", "fusion method name")
    models = _models.resolve_models(models, methods)
    if args.csv is None:
        try:
            X, y, groups = load_bundled(args.dataset)
        except ImportError as exc:  # the optional "icons" extra is missing
            raise CLIError(str(exc)) from exc
    else:  # every empty cell of the table, not only the first fold's
        used = {m for name in models for m in _models.model_spec(name)[1]}
        kwargs = {"target": args.target, "group_column": args.group_column}
        X, y, groups = _read_table(args, used, **kwargs)
    if args.quick and len(y) > QUICK_MAX_ROWS:
        X, y, groups = _models.quick_subset(X, y, groups, QUICK_MAX_ROWS)
    k = args.cv if args.cv is not None else (3 if args.quick else 5)
    cv = _compare.make_cv(k, y, groups, param="--cv")
    t0 = time.perf_counter()
    results = _models.run_evaluation(
        X,
        y,
        groups=groups,
        cv=cv,
        models=models,
        quick=args.quick,
        progress=not args.no_progress,
        missing=args.missing,
    )
    elapsed = time.perf_counter() - t0
    dataset = args.dataset if args.csv is None else str(args.csv)
    doc = report.metrics_json(results, dataset)
    print(report.format_table(results))
    print(report.format_summary(results))
    for name, why in results["skipped"].items():
        print(f"skipped {name}: {why}", file=sys.stderr)
    if args.json:
        if Path(args.json).resolve().parent == report_dir:
            report_dir.mkdir(exist_ok=True)
        _write_json(doc, args.json)
    out = report.write_report(
        args.output, results, dataset=dataset, elapsed=elapsed, metrics=doc
    )
    print(f"\nreport written to {out} ({elapsed:.0f} s)")
    return 0


def cmd_train(args):
    from skmultimodal.model_selection._models import (
        fusion_method_names,
        train_model,
        unknown_method,
    )
    from skmultimodal.persistence import check_save_path, save_model

    path, option = Path(args.output), f"--output {str(args.output)!r}"
    keras = "--classifier attention" if args.classifier == "attention" else None
    check_save_path(path, keras=keras, error=lambda msg: CLIError(f"{option}: {msg}"))
    if args.method is not None and args.method not in fusion_method_names():
        raise unknown_method(args.method, "--method")
    args.tabular = _tabular(args)
    X, y, _ = _read_table(args, ("image", "text"), target=args.target)
    t0 = time.perf_counter()
    est, metadata = train_model(X, y, args)
    fit_time = time.perf_counter() - t0
    path = save_model(est, path, metadata=metadata)
    n, k = len(y), len(est.classes_)
    print(f"trained on {n} rows, {k} classes in {fit_time:.1f} s; saved to {path}")
    return 0


def cmd_predict(args):
    from skmultimodal.datasets._table import check_no_missing, iter_table
    from skmultimodal.fusion import _missing_policy as policies
    from skmultimodal.model_selection._models import prediction_table
    from skmultimodal.persistence import load_model
    from skmultimodal.utils._output import TABLE_FORMATS, table_writer
    from skmultimodal.utils._paths import check_output_file

    suffixes = tuple(TABLE_FORMATS)
    if args.output != "-":
        check_output_file(args.output, "--output", suffixes)
        if Path(args.output).suffix.lower() == ".parquet":
            from skmultimodal.utils._output import _pyarrow

            _pyarrow()  # refused before anything is read
    if args.chunk_size < 1:
        raise CLIError(f"--chunk-size must be at least 1, got {args.chunk_size}")
    keep = _kept_columns(args)
    model = load_model(args.model, trusted=args.trust)
    est, meta = model.estimator, model.metadata
    trained = policies.trained_missing(est, meta.get("missing") or "raise")
    policy = policies.canonical_missing(args.missing or trained)
    if policy != trained:
        policies.set_missing_policy(est, policy)
    columns = {
        "image": args.image_column or meta.get("image_column"),
        "text": args.text_column or meta.get("text_column"),
    }
    tabular = (meta.get("numeric_columns") or []) + (
        meta.get("categorical_columns") or []
    )
    outputs = ["prediction"]
    if args.proba and hasattr(est, "predict_proba"):
        outputs += [f"proba_{c}" for c in est.classes_]
    clash = [c for c in keep if c in outputs]
    if clash:  # refused before anything is read
        raise CLIError(
            f"kept column(s) {', '.join(map(repr, clash))} would share a name "
            "with the predictions; rename them in the CSV"
        )
    # the image extractors of a model trained with "raise" stop at an
    # unreadable file: an absent one becomes an empty cell here instead
    chunks = iter_table(
        args.csv,
        image_column=columns["image"],
        text_column=columns["text"],
        chunksize=args.chunk_size,
        keep_columns=keep,
        tabular_columns=tabular,
        allow_absent_images=policy != "raise",
        absent_images_as_missing=trained == "raise" != policy,
    )
    stream = sys.stdout if args.output == "-" else None
    path = None if stream else check_output_file(args.output, "--output", suffixes)
    n = 0
    with closing(chunks), table_writer(path, stream=stream) as write:
        for X, kept in chunks:
            if policy == "raise":
                used = [m for m in ("image", "text") if m in X.columns]
                check_no_missing(X, used, columns, args.csv)
            out = prediction_table(est, X, proba=args.proba)
            write(kept.join(out) if keep else out)
            n += len(out)
    if stream is None:
        print(f"{n} predictions written to {path}")
    return 0


def _kept_columns(args):
    """The input columns copied to predict's output: ``--id-column`` first,
    then ``--keep-columns``, each once."""
    names = [args.id_column] if args.id_column else []
    names += _names(args.keep_columns, "--keep-columns", "column name") or []
    return list(dict.fromkeys(names))


def cmd_plugins(args):
    from skmultimodal.plugins import list_plugins
    from skmultimodal.report import format_plugins_table

    rows = list_plugins(include_failures=True)
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
    else:
        print(format_plugins_table(rows, tracebacks=getattr(args, "debug", False)))
    return 0


def cmd_datasets(args):
    from skmultimodal.datasets import _bundled

    rows = _bundled.bundled_datasets()
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(_bundled.format_datasets_table(rows))
    return 0


# -------------------------------------------------------------- parser ---
#: One line of help an option, by flag or, for one command's, by "COMMAND
#: flag"; docs/cli.md, the documentation's page on the command line, says more.
HELP = {
    "--debug": "show the full traceback on errors",
    "--disable-plugin": "do not load the plugin with this distribution or "
    "entry-point name (repeatable; adds to SKMULTIMODAL_DISABLE_PLUGINS)",
    "--csv": "CSV with one row per sample; image paths are relative to its folder",
    "--image-column": "column of image paths (default: %(default)s)",
    "--text-column": "column of texts (default: %(default)s)",
    "--target": "column of class labels (default: %(default)s)",
    "--missing": "missing-modality policy (default: %(default)s; error means raise); "
    "except with raise, an empty cell or unreadable image is a missing modality",
    "predict --image-column": "column of image paths (default: the model's)",
    "predict --text-column": "column of texts (default: the model's)",
    "predict --missing": "missing-modality policy (default: the model's)",
    "--group-column": "column of groups: rows of one group stay in one fold",
    "--dataset": "bundled dataset used without --csv (default: %(default)s)",
    "--cv": "folds (default: 5, or 3 with --quick)",
    "--methods": "comma-separated registered fusion methods, each a model "
    "fusion-METHOD, make_multimodal_pipeline(method=METHOD)",
    "evaluate --output": "report folder (default: ./%(default)s/)",
    "evaluate --json": "also write the metrics as JSON",
    "--quick": f"3 folds, at most {QUICK_MAX_ROWS} rows and 10 epochs",
    "--no-progress": "hide the progress bar",
    "--method": "registered fusion method (default: stack, the default fused "
    "model, also with --classifier attention; concat with one modality)",
    "--classifier": "classifier after the fusion (default: %(default)s)",
    "--epochs": "epochs of the attention classifier",
    "--random-state": "seed (default: %(default)s)",
    "--class-weight": "weigh classes inversely to their frequency (default: none)",
    "--numeric-columns": "comma-separated numeric columns: with "
    "--categorical-columns, a tabular modality (imputed; scaled or one-hot)",
    "--categorical-columns": "comma-separated categorical columns of the "
    "tabular modality",
    "train --output": "model file, in an existing folder: NAME.skops (classical "
    "pipelines) or NAME.joblib/.pkl/.pickle (any model)",
    "--model": "saved model",
    "predict --output": "predictions file NAME.csv, NAME.jsonl (JSON lines) or "
    "NAME.parquet (needs pyarrow), or - for CSV on standard output (default); "
    "written to a temporary file renamed at the end",
    "--id-column": "input column (e.g. an SKU) copied as the first output column",
    "--keep-columns": "comma-separated input columns copied to the output",
    "--proba": "one proba_CLASS column per class (default; --no-proba: labels only)",
    "--chunk-size": "rows read, featurized and written at a time (default: "
    "%(default)s): memory does not grow with the file",
    "--trust": "load a pickle-based model (.joblib, .pkl, .pickle), which can run "
    "code, or a .skops file with untrusted types: only files you trust",
    "--json": "print JSON",
}


def _add(p, flag, **kwargs):
    """``p.add_argument(flag, **kwargs)``, its help from :data:`HELP`."""
    key = f"{p.prog.split()[-1]} {flag}"  # "skmultimodal train" -> "train --x"
    if "help" not in kwargs:
        kwargs["help"] = HELP[key] if key in HELP else HELP[flag]
    p.add_argument(flag, **kwargs)


def _table_options(p, *, required=True, training=True):
    """The options of the CSV read by evaluate, train and predict; predict's
    (``training=False``) default to the model's and take no target."""
    _add(p, "--csv", required=required, metavar="FILE")
    _add(p, "--image-column", default="image" if training else None, metavar="NAME")
    _add(p, "--text-column", default="text" if training else None, metavar="NAME")
    if training:
        _add(p, "--target", default="label", metavar="NAME")
    policies = {"choices": MISSING_CHOICES, "metavar": "{raise,zero,mean,indicator}"}
    _add(p, "--missing", default="raise" if training else None, **policies)


def build_parser():
    from skmultimodal import __version__
    from skmultimodal.model_selection._models import EVALUATED_MODELS

    common = argparse.ArgumentParser(PROG, add_help=False)  # every command's options
    # unset unless given: a command's defaults must not undo an option given
    # before the command's name (``skmultimodal --debug train ...``)
    unset = {"default": argparse.SUPPRESS}
    _add(common, "--debug", action="store_true", **unset)
    _add(common, "--disable-plugin", action="append", metavar="NAME", **unset)
    about = "Multimodal (image + text) learning with scikit-learn."
    parser = argparse.ArgumentParser(prog=PROG, description=about, parents=[common])
    version = f"%(prog)s {__version__}"
    parser.add_argument("--version", action="version", version=version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    about = "cross-validate image-only, text-only and fused models; write a report"
    text = (
        "Cross-validate image-only, text-only and fused models, print a table "
        "naming the best model and write a report folder. Without --csv it runs "
        "on the bundled emoji dataset."
    )
    p = sub.add_parser("evaluate", parents=[common], help=about, description=text)
    _table_options(p, required=False)
    _add(p, "--group-column", metavar="NAME")
    _add(p, "--dataset", default="emoji", choices=["emoji", "icons"])
    _add(p, "--cv", type=int, metavar="K")
    models = f"comma-separated subset of: {', '.join(EVALUATED_MODELS)}"
    _add(
        p, "--models", metavar="LIST", help=f"{models} (default: all), or fusion-METHOD"
    )
    _add(p, "--methods", metavar="LIST")
    _add(p, "--output", default=DEFAULT_REPORT_DIR, metavar="DIR")
    _add(p, "--json", metavar="FILE")
    _add(p, "--quick", action="store_true")
    _add(p, "--no-progress", action="store_true")
    p.set_defaults(func=cmd_evaluate)

    about = "fit a pipeline on a CSV and save it"
    p = sub.add_parser("train", parents=[common], help=about)
    _table_options(p)
    _add(p, "--method", metavar="NAME")
    _add(p, "--classifier", default="logistic", choices=["logistic", "attention"])
    _add(p, "--epochs", type=int)
    _add(p, "--class-weight", choices=["balanced"])
    _add(p, "--numeric-columns", metavar="LIST")
    _add(p, "--categorical-columns", metavar="LIST")
    _add(p, "--random-state", type=int, default=0)
    _add(p, "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_train)

    about = "predict labels and class probabilities with a saved model"
    p = sub.add_parser("predict", parents=[common], help=about)
    _add(p, "--model", required=True, metavar="FILE")
    _table_options(p, training=False)
    _add(p, "--output", default="-", metavar="FILE")
    _add(p, "--id-column", metavar="NAME")
    _add(p, "--keep-columns", metavar="LIST")
    _add(p, "--proba", action=argparse.BooleanOptionalAction, default=True)
    _add(p, "--chunk-size", type=int, default=10_000, metavar="N")
    _add(p, "--trust", action="store_true")
    p.set_defaults(func=cmd_predict)

    for name, func, about in (
        ("plugins", cmd_plugins, "list registered fusion methods and extractors"),
        ("datasets", cmd_datasets, "list the bundled datasets"),
    ):
        p = sub.add_parser(name, parents=[common], help=about)
        _add(p, "--json", action="store_true")
        p.set_defaults(func=func)
    return parser


# ---------------------------------------------------------------- main ---
def main(argv=None):
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "disable_plugin", None):  # before any plugin loads
        from skmultimodal.plugins import disable_plugins

        disable_plugins(*args.disable_plugin, source="--disable-plugin")
    from skmultimodal.utils import env_flag
    from skmultimodal.utils._errors import is_bad_input, stdout_closed
    from skmultimodal.utils._quiet import quiet_tensorflow, uninstall_quiet_import

    try:
        # "0", "false", "no", "off" and "" mean off: not any non-empty value
        debug = getattr(args, "debug", False) or env_flag("SKMULTIMODAL_DEBUG")
    except ValueError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if not debug:
        warnings.filterwarnings("ignore", category=FutureWarning)
    # unless --debug: TensorFlow's log lines (not its numerics) are hidden
    hook = None if debug else quiet_tensorflow()
    try:
        status = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:
        return stdout_closed(EXIT_BROKEN_PIPE)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        status = EXIT_USAGE if is_bad_input(exc, CLIError) else EXIT_FAILURE
        message = " ".join(str(exc).split()) or type(exc).__name__
        if getattr(args, "csv", None) is not None and "(index " in message:
            message += " (index labels are CSV line numbers; the header is line 1)"
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return status
    finally:
        uninstall_quiet_import(hook)
