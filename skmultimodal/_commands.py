"""The commands of the ``skmultimodal`` command line (:mod:`skmultimodal.cli`
parses their arguments): each reads its input files, calls the library and
writes the results. Bad input raises :class:`CLIError` (one line, exit
status 2)."""

from __future__ import annotations

import json
import shlex
import sys
import time
import warnings
from contextlib import closing
from pathlib import Path

PROG = "skmultimodal"
#: ``--quick`` evaluates a stratified subset of at most this many rows.
QUICK_MAX_ROWS = 600


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
    target = getattr(args, "target", None)
    features = {
        "--image-column": [getattr(args, "image_column", None)],
        "--text-column": [getattr(args, "text_column", None)],
        "--numeric-columns": numeric or [],
        "--categorical-columns": categorical or [],
    }
    for option, names in features.items():
        if target is not None and target in names:
            raise CLIError(
                f"--target {target!r} is also given in {option}: a model that "
                "reads its own label as a feature only learns to copy it"
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
    with the same columns); with the ``raise`` policy, every image path that
    is not a file, every empty cell of ``modalities`` and every row whose
    table columns are all empty (a missing tabular modality) is refused
    before anything is fitted, all in one message."""
    from skmultimodal.datasets._table import load_table
    from skmultimodal.fusion._missing_policy import canonical_missing

    csv = args.csv if csv is None else csv
    policy = canonical_missing(args.missing)
    tabular = getattr(args, "tabular", None) or {}  # set by train
    refuse = [*modalities, "tabular"] if policy == "raise" else []
    return load_table(
        csv,
        image_column=args.image_column,
        text_column=args.text_column,
        tabular_columns=[c for cols in tabular.values() for c in cols],
        # one warning naming the CSV lines, instead of the extractors' own
        # per fit and per fold (an absent file is a missing image either way)
        absent_images_as_missing=policy != "raise",
        refuse_empty=[m for m in ("image", "text", "tabular") if m in refuse],
        **kwargs,
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
            (opt, why)
            for opt, value, why in (
                ("--task", task != "classification", "its target is classes"),
                ("--test-csv", args.test_csv is not None, "its test set is a CSV"),
                (
                    "--numeric-columns/--categorical-columns",
                    args.tabular,
                    "they are columns of the CSV",
                ),
                (
                    "--group-column",
                    args.group_column is not None,
                    "it is a column of the CSV (the bundled icons group their "
                    "folds by name stem already)",
                ),
            )
            if value
        ]
        if given:
            option, why = given[0]
            raise CLIError(
                f"{option} needs --csv: {why}; without --csv, evaluate runs on "
                f"the bundled dataset --dataset {args.dataset}"
            )
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
    if test is not None and task == "classification":
        _warn_unseen_classes(y, test, args.csv)
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


def _warn_unseen_classes(y, test, csv):
    """Warn of the classes of the test set that the training rows lack:
    every model fitted on them scores those rows as errors, which is right
    but must not pass unnoticed. Names the classes and their test lines."""
    import numpy as np
    import pandas as pd

    from skmultimodal.datasets._table import _lines_text, _plain

    X_test, y_test, name = test
    y_test = pd.Series(np.asarray(y_test), index=X_test.index)
    unseen = ~y_test.isin(pd.unique(np.asarray(y)))
    if not unseen.any():
        return
    classes = ", ".join(repr(_plain(c)) for c in pd.unique(y_test[unseen]))
    lines = [_plain(v) for v in y_test.index[unseen.to_numpy()]]
    n, total = len(lines), len(y_test)
    warnings.warn(
        f"--test-csv {name!r}: class(es) {classes} never occur in the training "
        f"rows of --csv {str(csv)!r}; {n} of its {total} rows ({_lines_text(lines)}) "
        "are scored as errors by every model, which cannot predict a class it "
        "was not trained on",
        UserWarning,
        stacklevel=3,
    )


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
    if getattr(args, "n_features", None) is not None:
        raise CLIError(
            "--n-features sets the hashed text blocks of out-of-core training; "
            "pass --chunk-size too (in memory, the text branch learns its "
            "vocabulary)"
        )
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


#: Features per row above which ``featurize`` warns that its output is too
#: wide to read back comfortably (pandas and most Parquet readers need
#: memory per column, of the file's footer and of each column chunk).
WIDE_FEATURES = 10_000


def cmd_featurize(args):
    from skmultimodal.model_selection._models import feature_names, feature_table

    if args.dask is not None:
        return _run_dask(args, "featurize", "rows of features")
    keep = _check_table_command(args)
    est, meta, policy = _load_table_model(args)
    try:
        labels = meta.get("classes") if meta.get("task") == "multilabel" else None
        names = feature_names(est, labels=labels)
    except ValueError as exc:
        raise CLIError(f"--model {str(args.model)!r}: {exc}") from None
    _refuse_clash(args, keep, names or [], "the features")
    if names is not None and len(names) > WIDE_FEATURES:
        hint = ""
        if meta.get("chunk_size") is not None:  # trained out of core
            hint = (
                " (a model trained with --chunk-size hashes each text into "
                "65,536 columns per block, 16,384 with --classifier attention: "
                "train it with --n-features 1024, say, for a narrower one)"
            )
        warnings.warn(
            f"the model gives {len(names):,} features per row: the output "
            f"will have {len(names):,} columns, too wide for most tools to "
            f"read back{hint}",
            UserWarning,
            stacklevel=2,
        )
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
    from skmultimodal.datasets._table import (
        iter_parquet,
        iter_table,
        model_columns,
    )
    from skmultimodal.utils._output import table_writer

    try:
        columns, tabular = model_columns(
            est,
            meta,
            args.image_column,
            args.text_column,
            hint="pass --image-column and --text-column for a model fitted on "
            "those names",
        )
    except ValueError as exc:
        raise CLIError(f"--model {str(args.model)!r}: {exc}") from None
    source = args.csv if args.csv is not None else args.parquet
    chunks = (iter_table if args.csv is not None else iter_parquet)(
        source,
        image_column=columns["image"],
        text_column=columns["text"],
        chunksize=args.chunk_size,
        keep_columns=keep,
        tabular_columns=tabular,
        # an absent file becomes an empty cell, named once here: a model
        # trained with "raise" would stop at it, and the extractors of the
        # others would warn once per chunk
        absent_images_as_missing=policy != "raise",
        # with "raise", every path that is not a file and every empty image
        # or text cell of a chunk: one message naming them all
        refuse_empty=("image", "text") if policy == "raise" else (),
    )
    stream = sys.stdout if args.output == "-" else None
    path = None if stream else Path(args.output)
    n = 0
    with closing(chunks), table_writer(path, stream=stream) as write:
        for X, kept in chunks:
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
