"""The ``skmultimodal`` command line (``evaluate``, ``train``, ``predict``,
``featurize``, ``plugins``, ``datasets``): it parses the arguments, reads
the input files and writes the results; the work is the library's. Every
error is printed as one line, ``skmultimodal: error: ...``: exit status 2
for bad input (see :func:`_is_bad_input`), 1 for any other failure;
``--debug`` shows the traceback instead."""

from __future__ import annotations

import argparse
import json
import shlex
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


def _read_table(args, modalities, csv=None, **kwargs):
    """``load_table`` of the ``--csv`` options (or of another file, ``csv``,
    with the same columns); with the ``raise`` policy, every empty cell of
    ``modalities`` is refused before anything is fitted."""
    from skmultimodal.datasets._table import check_no_missing, load_table
    from skmultimodal.fusion._missing_policy import canonical_missing

    csv = args.csv if csv is None else csv
    policy = canonical_missing(args.missing)
    columns = {"image": args.image_column, "text": args.text_column}
    tabular = getattr(args, "tabular", None) or {}  # set by train
    X, y, groups = load_table(
        csv,
        image_column=columns["image"],
        text_column=columns["text"],
        tabular_columns=[c for cols in tabular.values() for c in cols],
        allow_absent_images=policy != "raise",
        # one warning naming the CSV lines, instead of the extractors' own
        # per fit and per fold (an absent file is a missing image either way)
        absent_images_as_missing=policy != "raise",
        **kwargs,
    )
    if policy == "raise":
        used = [m for m in modalities if m in X.columns]
        check_no_missing(X, used, columns, csv)
        _check_tabular_present(X, tabular, csv)
    return X, y, groups


def _check_tabular_present(X, tabular, csv):
    """With the ``raise`` policy, a row whose table columns are all empty
    (a missing tabular modality) is refused, naming its CSV lines."""
    from skmultimodal.datasets._table import _lines_text

    cols = [c for part in tabular.values() for c in part]
    if not cols:
        return
    empty = X[cols].isna().all(axis=1)
    if empty.any():
        raise CLIError(
            f"the table columns ({', '.join(cols)}) of {str(csv)!r} are all "
            f"empty on {_lines_text(list(X.index[empty.to_numpy()]))}: the "
            "tabular modality is missing there; fill a cell or pass "
            "--missing zero|mean|indicator"
        )


def _task(args):
    """``--task``, or ``multilabel`` when only ``--label-separator`` is
    given (default ``classification``); the two must agree."""
    task, separator = args.task, args.label_separator
    if separator == "":
        raise CLIError("--label-separator needs at least one character")
    if task is None:
        return "multilabel" if separator is not None else "classification"
    if (task == "multilabel") != (separator is not None):
        raise CLIError(
            "--task multilabel needs --label-separator"
            if task == "multilabel"
            else f"--label-separator splits multi-label targets; --task {task} "
            "takes one label (or number) per row"
        )
    return task


def _target(args, y, task, csv, labels=None):
    """The target column read for ``task``: ``(y, labels)``."""
    from skmultimodal.datasets._target import prepare_target

    return prepare_target(
        y,
        task=task,
        separator=args.label_separator,
        column=args.target,
        source=csv,
        labels=labels,
    )


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
    args.tabular = _tabular(args)
    models = _models.resolve_models(models, methods, tabular=bool(args.tabular))
    task, labels, test = _task(args), None, None
    if args.csv is None:
        given = [
            opt
            for opt, value in (
                ("--task", task != "classification"),
                ("--test-csv", args.test_csv is not None),
                ("--numeric-columns/--categorical-columns", args.tabular),
            )
            if value
        ]
        if given:
            option = given[0]
            raise CLIError(f"{option} needs --csv: the bundled datasets are classes")
        try:
            X, y, groups = load_bundled(args.dataset)
        except ImportError as exc:  # the optional "icons" extra is missing
            raise CLIError(str(exc)) from exc
    else:  # every empty cell of the table, not only the first fold's
        used = {m for name in models for m in _models.model_spec(name)[1]}
        used.discard("tabular")  # its empty cells are imputed, not refused
        kwargs = {"target": args.target, "group_column": args.group_column}
        X, y, groups = _read_table(args, used, **kwargs)
        y, labels = _target(args, y, task, args.csv)
        if args.test_csv is not None:  # its image paths relative to it
            X_test, y_test, _ = _read_table(
                args, used, csv=args.test_csv, target=args.target
            )
            y_test, _ = _target(args, y_test, task, args.test_csv, labels)
            test = (X_test, y_test, str(args.test_csv))
    if args.quick and len(y) > QUICK_MAX_ROWS:
        stratify = task == "classification"
        X, y, groups = _models.quick_subset(X, y, groups, QUICK_MAX_ROWS, stratify)
    k = args.cv if args.cv is not None else (3 if args.quick else 5)
    cv = _compare.make_cv(k, y, groups, param="--cv", task=task)
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
        task=task,
        class_weight=args.class_weight,
        test=test,
        tabular=args.tabular,
    )
    if labels is not None:  # multi-label: the label names, not their columns
        results["classes"] = labels
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
    files = [f for f in (args.csv, args.test_csv) if f is not None]
    out = report.write_report(
        args.output,
        results,
        dataset=dataset,
        elapsed=elapsed,
        metrics=doc,
        X=X,  # the rows evaluated: thumbnails of the most confident errors
        command=shlex.join([PROG, *args.argv]),
        data_files=files or None,  # a bundled dataset: the table's checksum
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

    if getattr(args, "chunk_size", None) is not None:  # out of core
        from skmultimodal.streaming import train_command

        return train_command(args, tabular=_tabular(args), error=CLIError)
    path, option = Path(args.output), f"--output {str(args.output)!r}"
    keras = "--classifier attention" if args.classifier == "attention" else None
    check_save_path(path, keras=keras, error=lambda msg: CLIError(f"{option}: {msg}"))
    if args.method is not None and args.method not in fusion_method_names():
        raise unknown_method(args.method, "--method")
    args.tabular = _tabular(args)
    task = args.task = _task(args)
    if task == "regression" and args.classifier in ("logistic", "attention"):
        raise CLIError(
            f"--classifier {args.classifier} is a classifier; --task regression "
            "needs --classifier ridge (its default)"
        )
    if task != "regression" and args.classifier == "ridge":
        raise CLIError(
            f"--classifier ridge is a regressor; --task {task} needs classes"
        )
    X, y, _ = _read_table(args, ("image", "text"), target=args.target)
    y, args.labels = _target(args, y, task, args.csv)
    t0 = time.perf_counter()
    est, metadata = train_model(X, y, args)
    fit_time = time.perf_counter() - t0
    path = save_model(est, path, metadata=metadata)
    n = len(y)
    what = {
        "classification": f"{len(metadata['classes'])} classes",
        "multilabel": f"{len(metadata['classes'])} labels",
        "regression": "a numeric target",
    }[task]
    print(f"trained on {n} rows, {what} in {fit_time:.1f} s; saved to {path}")
    return 0


def cmd_predict(args):
    from skmultimodal.model_selection._models import prediction_table

    if args.dask is not None:
        return _run_dask(args, "predict", "predictions")
    keep = _check_table_command(args)
    est, meta, policy = _load_table_model(args)
    # a multi-label model: each row's labels joined by the separator
    labels = meta.get("classes") if meta.get("task") == "multilabel" else None
    separator = meta.get("label_separator") or "|"
    outputs = ["prediction"]
    if args.proba and hasattr(est, "predict_proba"):
        outputs += [f"proba_{c}" for c in (labels or est.classes_)]
    _refuse_clash(args, keep, outputs, "the predictions")
    n, path = _stream_table(
        args,
        est,
        meta,
        keep,
        policy,
        lambda X: prediction_table(
            est, X, proba=args.proba, labels=labels, separator=separator
        ),
    )
    if path is not None:
        print(f"{n} predictions written to {path}")
    return 0


def cmd_featurize(args):
    from skmultimodal.model_selection._models import feature_names, feature_table

    if args.dask is not None:
        return _run_dask(args, "featurize", "rows of features")
    keep = _check_table_command(args)
    est, meta, policy = _load_table_model(args)
    try:
        names = feature_names(est)
    except ValueError as exc:
        raise CLIError(f"--model {str(args.model)!r}: {exc}") from None
    _refuse_clash(args, keep, names or [], "the features")
    n, path = _stream_table(
        args,
        est,
        meta,
        keep,
        policy,
        lambda X: feature_table(est, X, columns=names),
    )
    if path is not None:
        width = len(names) if names is not None else "their"
        print(f"{n} rows of {width} features written to {path}")
    return 0


def _run_dask(args, kind, what):
    """predict or featurize ``--dask``: the partitions processed and written
    to Parquet by the workers, in the ``--output`` folder."""
    if args.output == "-":
        raise CLIError(
            "--dask writes one Parquet file per partition: give --output a "
            "folder (e.g. --output predictions/)"
        )
    if args.chunk_size < 1:
        raise CLIError(f"--chunk-size must be at least 1, got {args.chunk_size}")
    try:
        import distributed  # noqa: F401  (the extra, checked before any work)

        from skmultimodal.distributed import PartitionError, run_on_dask
        from skmultimodal.utils._output import _pyarrow
    except ImportError as exc:
        raise CLIError(
            f"--dask needs dask.distributed ({exc}): pip install "
            "'skmultimodal[distributed,parquet]'"
        ) from None
    _pyarrow()
    from skmultimodal.utils._errors import is_bad_input

    try:
        meta = run_on_dask(
            args.model,
            args.csv if args.csv is not None else args.parquet,
            args.output.rstrip("/\\") or args.output,
            kind=kind,
            address=args.dask,
            chunk_size=args.chunk_size,
            missing=args.missing,
            proba=getattr(args, "proba", True),
            id_column=args.id_column,
            keep_columns=_names(args.keep_columns, "--keep-columns", "column name"),
            image_column=args.image_column,
            text_column=args.text_column,
            trusted=args.trust,
        )
    except PartitionError as exc:
        if exc.cause is not None and is_bad_input(exc.cause, CLIError):
            raise CLIError(str(exc)) from exc
        raise
    print(
        f"{meta['rows']} {what} written to {meta['output']} ({meta['parts']} "
        f"Parquet parts, {len(meta['workers'])} workers, {meta['seconds']:.1f} s)"
    )
    return 0


def _check_table_command(args):
    """What predict and featurize check before reading anything: the
    output file (and pyarrow for Parquet, in or out), ``--chunk-size`` and
    the kept columns, which are returned."""
    from skmultimodal.utils._output import TABLE_FORMATS, _pyarrow
    from skmultimodal.utils._paths import check_output_file

    if args.output != "-":
        check_output_file(args.output, "--output", tuple(TABLE_FORMATS))
        if Path(args.output).suffix.lower() == ".parquet":
            _pyarrow()  # refused before anything is read
    if args.parquet is not None:
        _pyarrow("reading", "or pass the table as --csv")
    if args.chunk_size < 1:
        raise CLIError(f"--chunk-size must be at least 1, got {args.chunk_size}")
    return _kept_columns(args)


def _load_table_model(args):
    """The ``--model`` of predict and featurize, with the ``--missing``
    policy set: ``(estimator, metadata, policy)``."""
    from skmultimodal.fusion import _missing_policy as policies
    from skmultimodal.persistence import load_model

    model = load_model(args.model, trusted=args.trust)
    est, meta = model.estimator, model.metadata
    trained = policies.trained_missing(est, meta.get("missing") or "raise")
    policy = policies.canonical_missing(args.missing or trained)
    if policy != trained:
        policies.set_missing_policy(est, policy)
    return est, meta, policy


def _refuse_clash(args, keep, outputs, what):
    """A kept column named like an output column, refused before reading."""
    clash = [c for c in keep if c in outputs]
    if clash:
        where = "CSV" if args.csv is not None else "Parquet file"
        raise CLIError(
            f"kept column(s) {', '.join(map(repr, clash))} would share a name "
            f"with {what}; rename them in the {where}"
        )


def _stream_table(args, est, meta, keep, policy, compute):
    """Read the ``--csv`` or ``--parquet`` input ``--chunk-size`` rows at a
    time and write the kept columns, then ``compute(X)``, of each chunk to
    ``--output``, atomically. Returns ``(rows written, output path or None
    for standard output)``."""
    from skmultimodal.datasets._table import check_no_missing, iter_parquet, iter_table
    from skmultimodal.utils._output import table_writer

    columns = {
        "image": args.image_column or meta.get("image_column"),
        "text": args.text_column or meta.get("text_column"),
    }
    tabular = (meta.get("numeric_columns") or []) + (
        meta.get("categorical_columns") or []
    )
    source = args.csv if args.csv is not None else args.parquet
    unit = "line" if args.csv is not None else "row"
    chunks = (iter_table if args.csv is not None else iter_parquet)(
        source,
        image_column=columns["image"],
        text_column=columns["text"],
        chunksize=args.chunk_size,
        keep_columns=keep,
        tabular_columns=tabular,
        allow_absent_images=policy != "raise",
        # an absent file becomes an empty cell, named once here: a model
        # trained with "raise" would stop at it, and the extractors of the
        # others would warn once per chunk
        absent_images_as_missing=policy != "raise",
    )
    stream = sys.stdout if args.output == "-" else None
    path = None if stream else Path(args.output)
    n = 0
    with closing(chunks), table_writer(path, stream=stream) as write:
        for X, kept in chunks:
            if policy == "raise":
                used = [m for m in ("image", "text") if m in X.columns]
                check_no_missing(X, used, columns, source, unit=unit)
            out = compute(X)
            write(kept.join(out) if keep else out)
            n += len(out)
    return n, path


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
    "--parquet": "Parquet file instead of --csv (needs pyarrow), read in row "
    "batches; image paths are relative to its folder",
    "featurize --image-column": "column of image paths (default: the model's)",
    "featurize --text-column": "column of texts (default: the model's)",
    "featurize --missing": "missing-modality policy (default: the model's)",
    "featurize --output": "features file NAME.csv, NAME.jsonl (JSON lines) or "
    "NAME.parquet (needs pyarrow), or - for CSV on standard output (default); "
    "written to a temporary file renamed at the end",
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
    "--classifier": "estimator after the fusion (default: logistic, or ridge "
    "with --task regression)",
    "--epochs": "epochs of the attention classifier",
    "--random-state": "seed (default: %(default)s)",
    "--class-weight": "weigh classes inversely to their frequency (default: none)",
    "--task": "classification (one label per row; the default), regression "
    "(a number per row: R² and MAE, k-fold) or multilabel (label sets split on "
    "--label-separator: micro/macro-F1 and Hamming loss)",
    "--label-separator": "split each target cell on this string into a set of "
    "labels (implies --task multilabel), e.g. '|'",
    "--test-csv": "also fit each model on all of --csv and score it on this "
    "CSV (same columns; image paths relative to it): a separate test set",
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
    "--dask": "process the input on a Dask cluster: 'local' (a LocalCluster "
    "of one worker process per core) or a scheduler address tcp://HOST:8786; "
    "--output is then a folder of Parquet parts written by the workers",
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


def _table_options(p, *, required=True, training=True, parquet=False):
    """The options of the CSV read by evaluate, train and predict; predict's
    (``training=False``) default to the model's and take no target. With
    ``parquet``, ``--parquet`` is the other input: exactly one is required."""
    if parquet:
        source = p.add_mutually_exclusive_group(required=True)
        for flag in ("--csv", "--parquet"):
            source.add_argument(flag, metavar="FILE", help=HELP[flag])
    else:
        _add(p, "--csv", required=required, metavar="FILE")
    _add(p, "--image-column", default="image" if training else None, metavar="NAME")
    _add(p, "--text-column", default="text" if training else None, metavar="NAME")
    if training:
        _add(p, "--target", default="label", metavar="NAME")
    policies = {"choices": MISSING_CHOICES, "metavar": "{raise,zero,mean,indicator}"}
    _add(p, "--missing", default="raise" if training else None, **policies)


def _target_options(p):
    """``--task`` and ``--label-separator`` (evaluate, train)."""
    _add(p, "--task", choices=["classification", "regression", "multilabel"])
    _add(p, "--label-separator", metavar="SEP")


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
    _target_options(p)
    _add(p, "--numeric-columns", metavar="LIST")
    _add(p, "--categorical-columns", metavar="LIST")
    _add(p, "--test-csv", metavar="FILE")
    _add(p, "--class-weight", choices=["balanced"])
    _add(p, "--output", default=DEFAULT_REPORT_DIR, metavar="DIR")
    _add(p, "--json", metavar="FILE")
    _add(p, "--quick", action="store_true")
    _add(p, "--no-progress", action="store_true")
    p.set_defaults(func=cmd_evaluate)

    about = "fit a pipeline on a CSV and save it"
    p = sub.add_parser("train", parents=[common], help=about)
    _table_options(p)
    _target_options(p)
    _add(p, "--method", metavar="NAME")
    _add(p, "--classifier", choices=["logistic", "attention", "ridge"])
    _add(p, "--epochs", type=int)
    _add(p, "--class-weight", choices=["balanced"])
    _add(p, "--numeric-columns", metavar="LIST")
    _add(p, "--categorical-columns", metavar="LIST")
    _add(p, "--random-state", type=int, default=0)
    _add(p, "--output", required=True, metavar="FILE")
    out_of_core = "train out of core, reading N rows at a time: the concat model "
    out_of_core += "with hashed texts and SGDClassifier (--epochs passes, default 10) "
    out_of_core += "or, with --classifier attention, the attention network (20; "
    out_of_core += "save it as .joblib)"
    _add(p, "--chunk-size", type=int, metavar="N", help=out_of_core)
    p.set_defaults(func=cmd_train)

    about = "predict labels and class probabilities with a saved model"
    p = sub.add_parser("predict", parents=[common], help=about)
    _add(p, "--model", required=True, metavar="FILE")
    _table_options(p, training=False, parquet=True)
    _add(p, "--output", default="-", metavar="FILE")
    _add(p, "--id-column", metavar="NAME")
    _add(p, "--keep-columns", metavar="LIST")
    _add(p, "--proba", action=argparse.BooleanOptionalAction, default=True)
    _add(p, "--chunk-size", type=int, default=10_000, metavar="N")
    _add(p, "--trust", action="store_true")
    _add(p, "--dask", metavar="ADDRESS")
    p.set_defaults(func=cmd_predict)

    about = "write the features a saved model's classifier receives"
    p = sub.add_parser("featurize", parents=[common], help=about)
    _add(p, "--model", required=True, metavar="FILE")
    _table_options(p, training=False, parquet=True)
    _add(p, "--output", default="-", metavar="FILE")
    _add(p, "--id-column", metavar="NAME")
    _add(p, "--keep-columns", metavar="LIST")
    _add(p, "--chunk-size", type=int, default=10_000, metavar="N")
    _add(p, "--trust", action="store_true")
    _add(p, "--dask", metavar="ADDRESS")
    p.set_defaults(func=cmd_featurize)

    for name, func, about in (
        ("plugins", cmd_plugins, "list registered fusion methods and extractors"),
        ("datasets", cmd_datasets, "list the bundled datasets"),
    ):
        p = sub.add_parser(name, parents=[common], help=about)
        _add(p, "--json", action="store_true")
        p.set_defaults(func=func)
    return parser


# ---------------------------------------------------------------- main ---
def _show_warning(message, category, filename, lineno, file=None, line=None):
    """A warning as one line, like the command's own (``--debug``: Python's
    format, with the file and line that warned)."""
    text = " ".join(str(message).split())
    print(f"{PROG}: warning: {text}", file=file or sys.stderr)


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    args = parser.parse_args(argv)
    args.argv = argv  # the report records the exact command
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
    # unless --debug: TensorFlow's log lines (not its numerics) are hidden
    hook = None if debug else quiet_tensorflow()
    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.filterwarnings("ignore", category=FutureWarning)
                warnings.showwarning = _show_warning
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
        elif getattr(args, "parquet", None) is not None and "(index " in message:
            message += " (index labels are Parquet row numbers, from 0)"
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return status
    finally:
        uninstall_quiet_import(hook)
