"""The commands of the ``skmultimodal`` command line (:mod:`skmultimodal.cli`
parses their arguments): each reads its input files, calls the library and
writes the results. Bad input raises :class:`CLIError` (one line, exit
status 2)."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import time
import warnings
from contextlib import closing, contextmanager
from pathlib import Path

PROG = "skmultimodal"
#: ``--quick`` evaluates a stratified subset of at most this many rows.
QUICK_MAX_ROWS = 600
#: The largest ``--random-state``: NumPy takes seeds from 0 to 2**32 - 1.
MAX_SEED = 2**32 - 1


def seed(text):
    """The type of ``--random-state``: an integer from 0 to
    :data:`MAX_SEED`, checked as the option is read (argparse names the
    option in its error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"{value} is not a seed: expected an integer from 0 to {MAX_SEED}"
        )
    return value


class CLIError(Exception):
    """An error caused by the user's input; printed as one line."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP received while a command runs (raised by the
    handler that :func:`sigterm_raises` installs): like Ctrl-C, it unwinds
    the command, so that a file half written is removed. Not an
    :class:`Exception`, so that no ``except Exception`` on the way stops it.
    ``signum`` is the signal's number, ``str()`` its name (``"SIGHUP"``)."""

    def __init__(self, signum=None):
        import signal

        self.signum = signal.SIGTERM if signum is None else signum
        super().__init__(signal.Signals(self.signum).name)


@contextmanager
def sigterm_raises():
    """Within the block, SIGTERM (what ``timeout``, Docker, systemd and
    Kubernetes send) and, where the platform has it, SIGHUP (the terminal
    or ssh session closed) raise :class:`Terminated`; the previous handlers
    are restored at the end. A signal ignored when the block starts (SIGHUP
    under ``nohup``) stays ignored. Only the main thread can set a handler:
    elsewhere nothing changes."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        raise Terminated(signum)

    names = ("SIGTERM", "SIGHUP")
    signums = [getattr(signal, n) for n in names if hasattr(signal, n)]
    previous = {
        signum: signal.signal(signum, terminate)
        for signum in signums
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


#: The fusion's advice for a row whose image cannot be read (after an error
#: naming it), as the library words it for a fusion under ``raise`` and
#: under a filling policy, and the extractor's words for such a row.
_UNREADABLE_ADVICE = (
    re.compile(
        r"Fix or drop the row, or have it treated as missing: give the "
        r"extractor on_error='missing' and ModalityFusion missing='\w+' "
        r"\(or 'zero', 'indicator'\); make_multimodal_pipeline\(missing='\w+'\) "
        r"sets both\."
    ),
    re.compile(
        r"Fix or drop the row, or have it treated as missing: give the "
        r"extractor on_error='missing' \(this ModalityFusion has "
        r"missing='\w+', which then fills the row\)\."
    ),
)
_MODEL_REFUSES = (
    "The model's image extractor refuses unreadable files (a model trained "
    "with --missing raise does; --missing at prediction only fills what it "
    "lets through): fix or drop the row, or retrain the model with --missing "
    "mean (or zero, indicator), which treats such an image as missing."
)


def unreadable_advice(command, message):
    """``message`` with the library's advice for an unreadable image in
    ``command``'s terms: ``--missing`` where the command builds the model
    (evaluate, train), retraining where it loads one (predict, featurize),
    whose image extractor alone decides whether it reads or refuses."""
    loads = command in ("predict", "featurize")
    for pattern in _UNREADABLE_ADVICE:
        advice = (
            _MODEL_REFUSES
            if loads
            else "Fix or drop the row, or have it treated as missing: "
            "--missing mean (or zero, indicator)."
        )
        message = pattern.sub(advice, message)
    return message.replace(
        "an unreadable image under on_error='missing'",
        "an unreadable image, treated as missing",
    )


_SKLEARN_LABEL = re.compile(r"\bLabel (not )?(\d+) is present in all training examples")
_LABEL = re.compile(r"\blabel (\d+)\b")


def command_advice(args, message):
    """``message`` in the terms of the command ``args`` runs: its advice for
    an unreadable image (:func:`unreadable_advice`) and, for a multi-label
    target (``args.labels``), each label named as the table writes it where
    the library and scikit-learn name a column of the 0/1 label matrix by its
    position (``label 2``; scikit-learn's ``Label not 2 is present in all
    training examples``: no training row has label 2)."""
    message = unreadable_advice(getattr(args, "command", None), message)
    labels = getattr(args, "labels", None)
    if not labels:
        return message
    from skmultimodal.utils._validation import plain_label

    def name(k):
        return repr(plain_label(labels[int(k)])) if int(k) < len(labels) else k

    def sklearn_words(m):
        where = "no" if m.group(1) else "every"
        return f"label {name(m.group(2))} is in {where} training example"

    message = _SKLEARN_LABEL.sub(sklearn_words, message)
    return _LABEL.sub(lambda m: f"label {name(m.group(1))}", message)


def _write_json(doc, path):
    from skmultimodal.utils import atomic_write
    from skmultimodal.utils._io import json_text

    # a temporary file renamed over `path` once complete: never half a file;
    # a NaN score is written null (strict JSON)
    with atomic_write(Path(path), "w", encoding="utf-8") as fh:
        fh.write(json_text(doc))


def _names(text, option, what):
    """The names of a comma-separated ``option`` value (None: not given)."""
    names = None if text is None else [m.strip() for m in text.split(",")]
    if names is None or any(names):
        names = names and [m for m in names if m]
        twice = [m for i, m in enumerate(names or ()) if m in names[:i]]
        if twice:  # as --scoring says
            raise CLIError(f"{option}: {twice[0]!r} is given twice")
        return names
    hint = ""
    if option == "--methods":
        from skmultimodal.model_selection._models import fusion_method_names

        hint = f"; available methods: {', '.join(fusion_method_names())}"
    raise CLIError(f"{option} needs at least one {what}{hint}")


def _table_header(args):
    """The column names of the ``--csv`` (or ``--parquet``) file as its
    header writes them, or None where they cannot be read now (a pipe, a
    file that reading it then refuses, naming why)."""
    from skmultimodal.datasets._table import csv_header

    if getattr(args, "csv", None) is not None:
        try:
            return csv_header(args.csv)
        except (OSError, ValueError):
            return None
    if getattr(args, "parquet", None) is None:
        return None
    try:
        import pyarrow.parquet as pq

        return list(pq.read_schema(args.parquet).names)
    except Exception:  # not readable: iter_parquet names why
        return None


def _column_names(args, option, what="column"):
    """The columns of a comma-separated column ``option`` (its value in
    ``args``; None: not given), found in the table's header
    (:func:`_table_header`) where it can be read: the whole value when it
    is a column's name (`` colour``, ``price, EUR``), else the names
    between commas, each stripped of spaces unless only its spelling with
    them is a column. A name not found where a column holds a comma that
    the value was split at is refused, saying so."""
    text = getattr(args, option[2:].replace("-", "_"), None)
    header = None if text is None else _table_header(args)
    if header is None:
        return _names(text, option, what)
    if text in header:
        return [text]
    typed = [m for m in text.split(",") if m.strip()]
    names = [m if m.strip() not in header and m in header else m.strip() for m in typed]
    if not names:
        return _names(text, option, what)  # says a name is needed
    twice = [m for i, m in enumerate(names) if m in names[:i]]
    if twice:  # as _names says
        raise CLIError(f"{option}: {twice[0]!r} is given twice")
    absent = {m.strip("\"'") for m in names if m not in header}
    split = [
        c for c in header if "," in c and absent & {p.strip() for p in c.split(",")}
    ]
    if split:
        missing = ", ".join(repr(m) for m in names if m not in header)
        raise CLIError(
            f"{option} {text!r}: {missing} not found in {_table_name(args)}; "
            f"{split[0]!r} is a column: a name with a comma must be the whole "
            "value of the option"
        )
    return names


def _table_name(args):
    """The input table as messages name it: ``'data.csv'``."""
    csv = getattr(args, "csv", None)
    return repr(str(csv if csv is not None else getattr(args, "parquet", None)))


def _scoring(names, task):
    """``--scoring``'s names as ``{name: scorer}`` (None: not given): the
    task's own score names (``macro_f1``) or scikit-learn's scorer names;
    another name, or one given twice, is a CLIError listing the valid ones."""
    if names is None:
        return None
    from sklearn.metrics import get_scorer_names

    from skmultimodal.model_selection._compare import TASK_SCORING

    own, known = TASK_SCORING[task], set(get_scorer_names())
    twice = sorted({n for n in names if names.count(n) > 1})
    unknown = [n for n in names if n not in own and n not in known]
    if twice or unknown:
        what = f"{unknown[0]!r} is not a score name" if unknown else ""
        what = what or f"{twice[0]!r} is given twice"
        raise CLIError(
            f"--scoring: {what}; use the task's scores ({', '.join(own)}) or "
            "scikit-learn's scorer names (sklearn.metrics.get_scorer_names(), "
            "e.g. balanced_accuracy, roc_auc, average_precision, f1_macro)"
        )
    return {n: own.get(n, n) for n in names}


def _check_scorers(scoring, y, task):
    """A CLIError naming the ``--scoring`` score that cannot score this
    target (``f1`` of text labels: no label 1 to call positive; ``roc_auc``
    of more than two classes), found by scoring a dummy model of ``y``
    before any model is fitted."""
    if not scoring:
        return
    import numpy as np
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.metrics import check_scoring, get_scorer

    dummy = DummyRegressor() if task == "regression" else DummyClassifier()
    X = np.zeros((len(y), 1))
    dummy.fit(X, y)
    for name, scorer in scoring.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ill-defined scores of a dummy
                check_scoring(dummy, scoring=scorer)(dummy, X, y)
        except ValueError as exc:
            hint = ""
            if "pos_label" in str(exc):
                hint = (
                    "; it takes the label 1 as the positive class: use roc_auc or "
                    "a macro average (f1_macro), or compare_models with a scorer "
                    "of pos_label=<your label>"
                )
            elif "multi_class" in str(exc):
                hint = "; roc_auc_ovr and roc_auc_ovo score more than two classes"
            elif "average='binary'" in str(exc):
                hint = "; for more than two classes use its averages: f1_macro, "
                hint += "f1_micro or f1_weighted (precision_ and recall_ alike)"
            made = get_scorer(scorer) if isinstance(scorer, str) else scorer
            regression = "_regression" in getattr(
                getattr(made, "_score_func", None), "__module__", ""
            )
            if regression != (task == "regression"):  # a score of the other task
                hint = (
                    f"; {name} scores a regression and this target is "
                    f"{'label sets' if task == 'multilabel' else 'classes'} "
                    "(use accuracy, balanced_accuracy or f1_macro; a numeric "
                    "target is a regression with --task regression)"
                    if regression
                    else f"; {name} scores classes and this is a regression "
                    "(use r2 or neg_mean_absolute_error)"
                )
            why = f"--scoring {name} cannot score this target: {exc}{hint}"
            raise CLIError(why) from None


#: The modalities whose columns ``--image-column`` and ``--text-column``
#: name, by option.
COLUMN_OPTIONS = {"image": "--image-column", "text": "--text-column"}


def _column_options(args, training=True):
    """``--image-column`` and ``--text-column`` as the commands take them:
    the column's name when one is given (``image`` and ``text`` by default
    for ``training``), the list of names when several are (``--image-column
    front back``, or the option repeated); a name given twice is refused.
    Returns the modalities whose column is the default, not named (see
    :func:`_absent_defaults`)."""
    defaulted = []
    for modality, option in COLUMN_OPTIONS.items():
        attr = f"{modality}_column"
        names = getattr(args, attr, None)
        if isinstance(names, list):
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise CLIError(
                    f"{option} names {', '.join(map(repr, twice))} more than once: "
                    "give each column once"
                )
            names = names[0] if len(names) == 1 else names
        elif names is None and training:
            names = modality
            defaulted.append(modality)
        setattr(args, attr, names)
    return defaulted


def _absent_defaults(args, defaulted):
    """Leave out, with a warning, the modalities of ``defaulted`` (their
    column not named: ``image`` or ``text`` by default) whose column the
    ``--csv`` file lacks, when something else is left to learn from: the
    other modality's column or the table columns (``args.tabular``): a
    text-only catalogue trains a text model. A column named with
    ``--image-column``/``--text-column`` must be in the file; so must one
    of the two when nothing else is given (reading the table then names
    them, and the file's columns). A column whose name is the default's
    but for spaces around it (``' image'``) does not leave it out: reading
    the table then names it, and the spaces. Nor does a header that is one
    name holding a ``;`` or a tab (a file not separated by commas): reading
    the table names the separator. A file that is no CSV is refused here,
    as reading it would refuse it (see ``csv_header``)."""
    from skmultimodal.datasets._table import csv_header, other_separator

    header = csv_header(getattr(args, "csv", None))
    if header is None or other_separator(header):
        return
    stripped = {name.strip() for name in header}
    absent = [m for m in defaulted if m not in stripped]
    if not absent:
        return
    attrs = {m: f"{m}_column" for m in COLUMN_OPTIONS}
    left = [
        m
        for m in COLUMN_OPTIONS
        if getattr(args, attrs[m]) is not None and m not in absent
    ]
    if left or getattr(args, "tabular", None):
        for modality in absent:
            setattr(args, attrs[modality], None)
            warnings.warn(
                f"--csv {str(args.csv)!r} has no {modality!r} column: the "
                f"{modality} modality is left out (name its {modality} column "
                f"with {COLUMN_OPTIONS[modality]} if it has one)",
                UserWarning,
                stacklevel=3,
            )


def _one_column_each(args, what, instead):
    """Refuse several ``--image-column``/``--text-column`` names where
    ``what`` reads one column per modality; ``instead`` says what reads
    several."""
    for modality, option in COLUMN_OPTIONS.items():
        names = getattr(args, f"{modality}_column", None)
        if isinstance(names, list):
            given = " ".join(names)
            raise CLIError(
                f"{option} {given}: {what} reads one image column and one text "
                f"column; {instead}"
            )


def _several_columns(args):
    """``{"image": ..., "text": ...}``, the ``--image-column`` and
    ``--text-column`` names, when either option names several columns
    (read then under their own names); else None (one column each, read
    as ``image`` and ``text``)."""
    columns = {m: getattr(args, f"{m}_column", None) for m in COLUMN_OPTIONS}
    if not any(isinstance(c, list) for c in columns.values()):
        return None
    return columns


def _check_columns_once(args):
    """Refuse a column given to two of ``--image-column``,
    ``--text-column``, ``--numeric-columns`` and ``--categorical-columns``:
    one column is one modality's."""
    seen = {}
    options = {option: f"{m}_column" for m, option in COLUMN_OPTIONS.items()}
    for option, attr in options.items():
        for name in _as_list(getattr(args, attr, None)):
            if name in seen and seen[name] != option:
                raise CLIError(
                    f"column {name!r} is given to both {seen[name]} and "
                    f"{option}: a column is read as one modality; name it once"
                )
            seen.setdefault(name, option)
    tabular = getattr(args, "tabular", None) or {}
    for kind, names in tabular.items():
        option = f"--{kind}-columns"
        for name in names:
            if name in seen:
                raise CLIError(
                    f"column {name!r} is given to both {seen[name]} and "
                    f"{option}: a column is read as one modality; name it once"
                )


def _read_own_columns(args, columns, modalities, csv, kwargs):
    """``load_table`` of a CSV whose image and text ``columns`` (several of
    a modality, see :func:`_several_columns`) are read under their own
    names: image paths resolved against the CSV's folder, texts checked,
    and with the ``raise`` policy every path that is not a file and every
    empty cell of the columns of ``modalities`` refused in one message (the
    files of the image columns are not looked at without ``"image"`` among
    ``modalities``)."""
    from skmultimodal.datasets._table import (
        check_no_missing,
        load_table,
        own_modalities,
    )
    from skmultimodal.fusion._missing_policy import canonical_missing

    policy = canonical_missing(args.missing)
    image, text = _as_list(columns["image"]), _as_list(columns["text"])
    read = list(dict.fromkeys([*image, *text]))
    kinds = getattr(args, "tabular", None) or {}
    tabular = [c for cols in kinds.values() for c in cols]
    X, y, groups = load_table(
        csv,
        image_column=None,
        text_column=None,
        tabular_columns=[*read, *tabular],
        categorical_columns=kinds.get("categorical", []),
        own_columns={"image": image, "text": text},
        **kwargs,
    )
    refused = [
        *(image if "image" in modalities else []),
        *(text if "text" in modalities else []),
    ]
    own = {
        "image": image,
        "text": text,
        "read": refused if policy == "raise" else [],
        "order": [*read, *tabular],
    }
    X = own_modalities(
        X, X, own, Path(csv), policy, "line", check_images="image" in modalities
    )
    if policy == "raise" and tabular:
        check_no_missing(X, ["tabular"], {}, csv, tabular=tabular)
    return X, y, groups


def _comma_hint(args, exc):
    """``exc`` (a column not found) with a hint when a column option holds
    a comma: several columns are separated by spaces, not commas."""
    spelled = []
    for modality, option in COLUMN_OPTIONS.items():
        for name in _as_list(getattr(args, f"{modality}_column", None)):
            if "," in name:
                parts = " ".join(p.strip() for p in name.split(",") if p.strip())
                spelled.append(f"{option} {parts}")
    if not spelled or "not found" not in str(exc):
        return exc
    return CLIError(
        f"{exc}; several columns are separated by spaces, not commas: "
        f"{' '.join(spelled)}"
    )


def _tabular(args):
    """``{"numeric": [...], "categorical": [...]}`` of ``--numeric-columns``
    and ``--categorical-columns`` (None when neither is given)."""
    numeric = _column_names(args, "--numeric-columns")
    categorical = _column_names(args, "--categorical-columns")
    target = getattr(args, "target", None)
    features = {
        option: _as_list(getattr(args, f"{m}_column", None))
        for m, option in COLUMN_OPTIONS.items()
    }
    features |= {
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


def _as_list(names):
    """A column option's value as a list of names (None: none)."""
    if names is None:
        return []
    return list(names) if isinstance(names, list) else [names]


def _read_table(args, modalities, csv=None, task="classification", **kwargs):
    """``load_table`` of the ``--csv`` options (or of another file, ``csv``,
    with the same columns); with the ``raise`` policy, every image path that
    is not a file, every empty cell of ``modalities`` and every row whose
    table columns are all empty (a missing tabular modality) is refused
    before anything is fitted, all in one message. Without ``"image"`` among
    ``modalities`` (no model reads the images) the image paths are resolved
    but their files are not looked at."""
    from skmultimodal.datasets._table import load_table
    from skmultimodal.fusion._missing_policy import canonical_missing

    csv = args.csv if csv is None else csv
    policy = canonical_missing(args.missing)
    tabular = getattr(args, "tabular", None) or {}  # set by train
    refuse = [*modalities, "tabular"] if policy == "raise" else []
    kwargs["task"] = task  # a constant target is refused in the task's terms
    try:
        several = _several_columns(args)
        if several is not None:
            return _read_own_columns(args, several, modalities, csv, kwargs)
        table = load_table(
            csv,
            image_column=args.image_column,
            text_column=args.text_column,
            tabular_columns=[c for cols in tabular.values() for c in cols],
            categorical_columns=tabular.get("categorical", []),
            allow_absent_images="image" not in modalities,
            # one warning naming the CSV lines, instead of the extractors' own
            # per fit and per fold (an absent file is a missing image either way)
            absent_images_as_missing=policy != "raise" and "image" in modalities,
            refuse_empty=[m for m in ("image", "text", "tabular") if m in refuse],
            # nothing to fit on: refused by name, whatever the policy
            fitted_modalities=[] if kwargs.get("test_table") else modalities,
            **kwargs,
        )
        if tabular.get("numeric"):  # every bad cell of the table, before a fold
            from skmultimodal.pipeline import _TableCells

            _TableCells(kind="numeric").fit(table[0][tabular["numeric"]])
        return table
    except ValueError as exc:
        raise _leave_out_hint(args, _comma_hint(args, exc)) from None


def _leave_out(args, modality):
    """How the command ``args`` runs leaves ``modality`` out: the models of
    the others for ``evaluate``; for ``train``, the absent column."""
    if args.command == "evaluate":
        others = "text-only" if modality == "image" else "image-only"
        if getattr(args, "tabular", None):
            others += " or tabular-only"
        return f"--models {others}"
    return (
        f"train leaves it out when the CSV has no {modality!r} column and no "
        f"{COLUMN_OPTIONS[modality]} is given"
    )


def _leave_out_hint(args, exc):
    """``exc`` with how the command leaves a modality out, where reading the
    table refused a modality's column empty in every row."""
    modality = getattr(exc, "empty_modality", None)
    if modality is None:
        return exc
    return CLIError(f"{exc} ({_leave_out(args, modality)})")


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


def _warn_whole_number_classes(y):
    """Warn, as ``evaluate`` refuses, when a target read as classes (no
    ``--task``) holds many distinct whole numbers: quantities, say, that
    ``--task regression`` would fit as numbers."""
    import pandas as pd

    from skmultimodal.model_selection._compare import MANY_INTEGER_CLASSES

    labels = pd.unique(pd.Series(y, dtype=object).astype(str))
    whole = all(re.fullmatch(r"[-+]?\d+", label.strip()) for label in labels)
    if whole and len(labels) > MANY_INTEGER_CLASSES:
        warnings.warn(
            f"the target holds {len(labels)} distinct whole numbers, read as "
            f"{len(labels)} classes: if they are quantities (prices, counts), "
            "pass --task regression",
            UserWarning,
            stacklevel=2,
        )


def _check_class_weight(args, task, attention):
    """Refuse ``--class-weight`` with a regression, and with a multi-label
    target for the attention classifier (``attention``: how the command
    names it, or falsy) before any work: the builder's refusals, in the
    command's terms."""
    if task == "regression" and args.class_weight is not None:
        raise CLIError(
            f"--class-weight {args.class_weight} weighs classes; --task "
            "regression has none"
        )
    if task == "multilabel" and args.class_weight is not None and attention:
        raise CLIError(
            f"--class-weight {args.class_weight} is not supported for "
            f"multi-label targets (--label-separator) by {attention}"
        )


def _target(args, y, task, csv, labels=None):
    """The target column read for ``task``: ``(y, labels)``."""
    from skmultimodal.datasets._target import prepare_target

    # a constant target is refused by load_table, in the task's terms
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
    from skmultimodal.fusion._missing_policy import canonical_missing
    from skmultimodal.model_selection import _compare, _models
    from skmultimodal.utils._paths import check_output_dir, check_output_file

    defaulted = _column_options(args)
    # where the results go, first, then the names: fail before any work
    # the report folder, and every file the report writes (or removes) in it
    _refuse_overwriting_input(args, "--output", args.output, report.REPORT_FILES)
    _refuse_overwriting_input(args, "--json", args.json)
    report_dir = check_output_dir(args.output, "--output").resolve()
    if args.json is not None:  # it may go in the report folder, made before it
        check_output_file(args.json, "--json", (".json",), also_ok=report_dir)
    models = _names(args.models, "--models", "model name")
    methods = _names(args.methods, "--methods", "fusion method name")
    args.tabular = _tabular(args)
    _check_columns_once(args)
    models = _models.resolve_models(models, methods, tabular=bool(args.tabular))
    task, labels, test = _task(args), None, None
    scoring = _scoring(_names(args.scoring, "--scoring", "score name"), task)
    attention = None
    if any(_models.model_spec(n)[0].get("classifier") == "attention" for n in models):
        attention = "the attention-classifier model; leave it out with --models"
    _check_class_weight(args, task, attention)
    if args.cv is not None and args.cv < 2:  # before anything is read
        raise CLIError(f"--cv must be at least 2, got {args.cv}")
    if args.test_csv is not None and args.csv is not None:
        _check_input_file(args.test_csv, "--test-csv")
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
        _absent_defaults(args, defaulted)
        used = {m for name in models for m in _models.model_spec(name)[1]}
        used.discard("tabular")  # its empty cells are imputed, not refused
        kwargs = {"target": args.target, "group_column": args.group_column}
        X, y, groups = _read_table(args, used, task=task, **kwargs)
        y, labels = _target(args, y, task, args.csv)
        args.labels = labels  # multi-label: warnings name them
        if args.test_csv is not None:  # its image paths relative to it
            X_test, y_test, _ = _read_table(
                args,
                used,
                csv=args.test_csv,
                task=task,
                target=args.target,
                test_table=True,  # only scored: one class is enough
            )
            y_test, _ = _target(args, y_test, task, args.test_csv, labels)
            if task == "classification":  # 001 and 1 as written, in both
                from skmultimodal.datasets._table import same_label_form

                y, y_test = same_label_form(y, y_test)
            test = (X_test, y_test, str(args.test_csv))
    if args.quick and len(y) > QUICK_MAX_ROWS:
        stratify = task == "classification"
        X, y, groups = _models.quick_subset(
            X, y, groups, QUICK_MAX_ROWS, stratify, random_state=args.random_state
        )
    _check_scorers(scoring, y, task)
    fills = canonical_missing(args.missing) != "raise"
    if args.csv is not None and not fills and "image" in used:
        # every undecodable file named, not the first one a fold meets
        _refuse_undecodable(X, args, args.csv)
        if test is not None:
            _refuse_undecodable(test[0], args, test[2])
    if args.csv is not None and fills and "image" in used:
        # one warning naming them all, not the models' own per fold and model
        read, X = X, _undecodable_as_missing(X, args, args.csv)
        _refuse_no_images(args, X, args.csv, _leave_out(args, "image"), read=read)
        if test is not None:
            test = (_undecodable_as_missing(test[0], args, test[2]), *test[1:])
    if test is not None and task == "classification":
        _warn_unseen_classes(y, test, args.csv)
    k = args.cv if args.cv is not None else (3 if args.quick else 5)
    seed = args.random_state
    cv = _compare.make_cv(k, y, groups, random_state=seed, param="--cv", task=task)
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
        scoring=scoring,
        test=test,
        tabular=args.tabular,
        columns=None if args.csv is None else _several_columns(args),
        random_state=seed,
    )
    if labels is not None:  # multi-label: the label names, not their columns
        results["classes"] = labels
    elapsed = time.perf_counter() - t0
    dataset = args.dataset if args.csv is None else str(args.csv)
    doc = report.metrics_json(results, dataset)
    # the results written before they are printed (a full disk behind
    # `> log` loses nothing); the report, which creates its folder and
    # removes it again should it fail, before --json, which may go in it
    files = [f for f in (args.csv, args.test_csv) if f is not None]
    out = report.write_report(
        args.output,
        results,
        dataset=dataset,
        elapsed=elapsed,
        metrics=doc,
        # the rows evaluated: thumbnails of the most confident errors, named
        # by CSV line as every message names them
        X=X if args.csv is None else _shown_rows(X, args).rename_axis("line"),
        command=shlex.join([PROG, *args.argv]),
        data_files=files or None,  # a bundled dataset: the table's checksum
    )
    written = f"the report folder {str(out)!r}"
    # the report's metrics.json holds the --json document, and more
    if args.json and Path(args.json).resolve() != (out / "metrics.json").resolve():
        _write_json(doc, args.json)
        written += f" and --json {str(args.json)!r}"
    with _printing(written):
        print(report.format_table(results))
        print(report.format_summary(results))
        for name, why in results["skipped"].items():
            print(f"skipped {name}: {why}", file=sys.stderr)
        print(f"\nreport written to {out} ({elapsed:.0f} s)")
    return 0


def _check_input_file(path, option):
    """Refuse, before anything is read, an input file ``option`` that does
    not exist or is a folder, naming the option."""
    path = Path(path)
    if path.is_dir():
        raise CLIError(f"cannot read {option} {str(path)!r}: it is a folder")
    if not path.exists():
        raise CLIError(f"cannot read {option} {str(path)!r}: no such file")


@contextmanager
def _printing(written):
    """Print what a command did once its results are written (``written``
    names them): a failure to write standard output (a full disk behind
    ``> log``, an encoding without a character of the text) is raised as an
    OSError saying so and that they were written, not as though writing
    them had failed. A closed pipe (``| head``) is left to the silent exit
    of the command line."""
    from skmultimodal.utils._errors import stdout_closed

    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, UnicodeEncodeError) as exc:
        hint = ""
        if isinstance(exc, UnicodeEncodeError):  # nothing of it was written
            hint = f" (its encoding is {exc.encoding}: set PYTHONIOENCODING=utf-8)"
        else:  # what is left in its buffer is not written again at exit
            stdout_closed(None)
        raise OSError(
            f"could not write to standard output{hint}: {exc}; the results "
            f"were written ({written})"
        ) from exc


def _undecodable(X, args, csv):
    """``(text, emptied, several)`` for the image cells of ``X`` whose file
    exists but cannot be decoded (read as the models' image extractors read
    it, each file once): ``text`` names every such line of ``csv``, path and
    reason, column by column ("" when none); ``emptied`` is ``{column:
    labels}``; ``several``, whether there is more than one."""
    from skmultimodal.datasets._table import _lines_text
    from skmultimodal.image._io import (
        _ItemError,
        describe_source,
        read_item,
        read_limits,
    )
    from skmultimodal.utils import is_missing
    from skmultimodal.utils._validation import plain_label

    limits, reasons, parts, emptied = read_limits(), {}, [], {}
    for column, name in _image_columns(args).items():
        failed = []
        for label, item in X[column].items():
            if is_missing(item):
                continue
            if item not in reasons:
                try:
                    read_item(item, limits)
                    reasons[item] = None
                except _ItemError as exc:
                    reasons[item] = f"{describe_source(item)}: {exc.detail}"
            if reasons[item] is not None:
                failed.append((plain_label(label), reasons[item]))
        if not failed:
            continue
        emptied[column] = [label for label, _ in failed]
        shown = "; ".join(f"line {label}, {why}" for label, why in failed[:5])
        if len(failed) > 5:
            rest = _lines_text([label for label, _ in failed[5:]], limit=20)
            shown += f"; and on {rest}"
        parts.append(
            f"{len(failed)} image file(s) of column {name!r} of {str(csv)!r} "
            f"cannot be decoded: {shown}"
        )
    return "; ".join(parts), emptied, sum(map(len, emptied.values())) > 1


def _undecodable_as_missing(X, args, csv):
    """``X`` with its image cells emptied where the file exists but cannot
    be decoded (:func:`_undecodable`), with one warning naming every such
    line of ``csv``, path and reason: a missing image, as the models would
    treat it, but named once instead of once per fold and model."""
    text, emptied, several = _undecodable(X, args, csv)
    if not text:
        return X
    warnings.warn(
        f"{text}; treated as " + ("missing images" if several else "a missing image"),
        UserWarning,
        stacklevel=2,
    )
    X = X.copy()
    for column, labels in emptied.items():
        X.loc[labels, column] = None
    return X


def _refuse_undecodable(X, args, csv):
    """Under ``--missing raise``, refuse before anything is fitted the image
    files of ``X`` that exist but cannot be decoded, every one named
    (:func:`_undecodable`), where a model would stop at the first one its
    training rows meet (in evaluate, in some fold)."""
    text, _, several = _undecodable(X, args, csv)
    if text:
        rows = "rows, or have them" if several else "row, or have it"
        raise CLIError(
            f"{text}. Fix or drop the {rows} treated as missing: "
            "--missing mean (or zero, indicator)"
        )


def _image_columns(args):
    """``{column of X: column of the CSV}`` of the image columns read."""
    several = _several_columns(args)
    if several is not None:
        return {c: c for c in _as_list(several["image"])}
    # read as "image"; none when the CSV has no image column
    return {"image": args.image_column} if args.image_column else {}


def _refuse_no_images(args, X, csv, leave_out, read=None):
    """Refuse, before anything is fitted, an image column of ``X`` (read
    from ``csv`` with a filling ``--missing``) that is empty in every row:
    its paths all absent, URLs or undecodable, treated as missing, no model
    has an image to fit on. Says to fix the paths or to leave the image
    modality out, as ``leave_out`` says how; or to fix the files when
    ``read`` (``X`` before its undecodable files were emptied) had a file
    in every row."""
    from skmultimodal.utils import is_missing

    for column, name in _image_columns(args).items():
        if X[column].map(is_missing).all():
            found = read is not None and not read[column].map(is_missing).any()
            raise _no_images(name, csv, leave_out, undecodable=found)


def _no_images(name, csv, leave_out, undecodable=False):
    """The error for image column ``name`` of ``csv`` that has not one
    readable image, with what to do: fix the paths (or, ``undecodable``:
    every row's file exists, none decodes, fix the files), or
    ``leave_out``."""
    from skmultimodal.datasets._table import _folder_text, image_folder

    why = f"not one of its images can be read ({_folder_text(*image_folder(csv))})"
    fix = "fix the paths"
    if undecodable:
        why = (
            "every row names an image file that exists, but not one of them "
            "can be decoded (the warning above gives each line's reason)"
        )
        fix = "fix or convert the files"
    return CLIError(
        f"modality 'image' (column {name!r}) is missing in every row of "
        f"{str(csv)!r}: {why}; nothing to fit an image model on: {fix}, or "
        f"leave the image modality out ({leave_out})"
    )


def _shown_rows(X, args):
    """The evaluated rows as the report shows them: with several image or
    text columns, each row's first image and first text as ``image`` and
    ``text``."""
    several = _several_columns(args)
    if several is None:
        return X
    shown = {m: _as_list(c)[0] for m, c in several.items() if c}
    return X.assign(**{m: X[c] for m, c in shown.items()})


def _warn_unseen_classes(y, test, csv):
    """Warn of the classes of the test set that the training rows lack:
    every model fitted on them scores those rows as errors, which is right
    but must not pass unnoticed. Names the classes and their test lines."""
    import numpy as np
    import pandas as pd

    from skmultimodal.datasets._table import _lines_text
    from skmultimodal.utils._validation import plain_label

    X_test, y_test, name = test
    y_test = pd.Series(np.asarray(y_test), index=X_test.index)
    unseen = ~y_test.isin(pd.unique(np.asarray(y)))
    if not unseen.any():
        return
    classes = ", ".join(repr(plain_label(c)) for c in pd.unique(y_test[unseen]))
    lines = [plain_label(v) for v in y_test.index[unseen.to_numpy()]]
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
    from skmultimodal.fusion._missing_policy import canonical_missing
    from skmultimodal.model_selection._models import (
        fusion_method_names,
        train_model,
        unknown_method,
    )
    from skmultimodal.persistence import check_save_path, save_model

    defaulted = _column_options(args)
    _refuse_overwriting_input(args, "--output", args.output)
    if getattr(args, "chunk_size", None) is not None:  # out of core
        from skmultimodal.streaming import _EmptyModality, train_command

        if getattr(args, "group_column", None) is not None:
            raise CLIError(
                "--group-column groups the internal folds of the stacking; "
                "out of core (--chunk-size) the model has none"
            )

        args.tabular = _tabular(args)
        _check_columns_once(args)
        _absent_defaults(args, defaulted)
        try:
            return train_command(args, tabular=args.tabular, error=CLIError)
        except _EmptyModality as exc:
            name = _image_columns(args).get(exc.modality)
            if name is None:
                raise
            raise _no_images(name, args.csv, _leave_out(args, "image")) from None
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
    _check_columns_once(args)
    read_as_classes = args.task is None and args.label_separator is None
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
    attention = args.classifier == "attention" and "--classifier attention"
    _check_class_weight(args, task, attention)
    if args.epochs is not None and not attention:  # the others fit to convergence
        default = "ridge" if task == "regression" else "logistic"
        raise CLIError(
            "--epochs sets the epochs of --classifier attention (or the passes "
            "of out-of-core training, --chunk-size); --classifier "
            f"{args.classifier or default} has none: drop --epochs, or pass "
            "--classifier attention"
        )
    _absent_defaults(args, defaulted)
    X, y, groups = _read_table(
        args,
        ("image", "text"),
        task=task,
        target=args.target,
        group_column=getattr(args, "group_column", None),
    )
    if canonical_missing(args.missing) != "raise":
        # each file that cannot be decoded named once, as evaluate names it
        read, X = X, _undecodable_as_missing(X, args, args.csv)
        _refuse_no_images(args, X, args.csv, _leave_out(args, "image"), read=read)
    else:  # every undecodable file named, not only the first one met
        _refuse_undecodable(X, args, args.csv)
    y, args.labels = _target(args, y, task, args.csv)
    if read_as_classes:  # no --task: whole numbers are classes
        _warn_whole_number_classes(y)
    t0 = time.perf_counter()
    est, metadata = train_model(X, y, args, groups=groups)
    fit_time = time.perf_counter() - t0
    path = save_model(est, path, metadata=metadata)
    n = len(y)
    what = {
        "classification": f"{len(metadata['classes'])} classes",
        "multilabel": f"{len(metadata['classes'])} labels",
        "regression": "a numeric target",
    }[task]
    with _printing(f"the model {str(path)!r}"):
        print(f"trained on {n} rows, {what} in {fit_time:.1f} s; saved to {path}")
    return 0


def _multilabel_labels(est, meta):
    """The labels of a multi-label model, in its columns' order, or None:
    ``train``'s metadata, else (a model saved with ``save_model`` from
    Python, which keeps no label names) their positions, where the fitted
    model's fusion or final step was fitted on a label matrix."""
    if meta.get("task") == "multilabel":
        return meta.get("classes")
    steps = dict(getattr(est, "steps", []))
    last = est[-1] if steps else est
    fusion_kind = getattr(steps.get("fusion"), "target_type_", None)
    if fusion_kind != "multilabel-indicator" and not getattr(last, "multilabel_", 0):
        return None
    return [str(k) for k in range(len(last.classes_))]


def cmd_predict(args):
    from skmultimodal.model_selection._models import prediction_table, proba_columns

    _column_options(args, training=False)
    if args.dask is not None:
        return _run_dask(args, "predict", "predictions")
    keep = _check_table_command(args)
    est, meta, policy = _load_table_model(args)
    # a multi-label model: each row's labels joined by the separator
    labels = _multilabel_labels(est, meta)
    separator = meta.get("label_separator") or "|"
    outputs = ["prediction"]
    if args.proba and hasattr(est, "predict_proba"):
        outputs += proba_columns(labels or est.classes_)
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
        with _printing(f"the predictions {str(path)!r}"):
            print(f"{n} predictions written to {path}")
    return 0


#: Features per row above which ``featurize`` warns that its output is too
#: wide to read back comfortably (pandas and most Parquet readers need
#: memory per column, of the file's footer and of each column chunk).
WIDE_FEATURES = 10_000


def _feature_columns(args, est, meta):
    """The feature names ``featurize`` writes for the model ``est`` (None:
    it names none), with a warning when they are too many columns to read
    back; ``--dask`` or not."""
    from skmultimodal.model_selection._models import feature_names

    try:
        names = feature_names(est, labels=_multilabel_labels(est, meta))
    except ValueError as exc:
        raise CLIError(f"--model {str(args.model)!r}: {exc}") from None
    if names is not None and len(names) > WIDE_FEATURES:
        hint = ""
        blocks = _hashed_blocks(est) if meta.get("chunk_size") is not None else []
        if blocks:  # trained out of core: its --n-features
            n = max(blocks)
            hint = (
                f" (this model, trained with --chunk-size, hashes its texts into "
                f"{len(blocks)} blocks of {n:,} columns"
                + (
                    ": train it with --n-features 1024, say, for a narrower one)"
                    if n > 1024
                    else ")"
                )
            )
        warnings.warn(
            f"the model gives {len(names):,} features per row: the output "
            f"will have {len(names):,} columns, too wide for most tools to "
            f"read back{hint}",
            UserWarning,
            stacklevel=2,
        )
    return names


def _hashed_blocks(est):
    """The columns of each hashed text block of the model ``est`` (one per
    ``HashingVectorizer``: its ``n_features``), as an out-of-core model
    hashes its texts (``--n-features``); [] for one that hashes none."""
    from sklearn.feature_extraction.text import HashingVectorizer

    params = est.get_params() if hasattr(est, "get_params") else {}
    return [v.n_features for v in params.values() if isinstance(v, HashingVectorizer)]


def cmd_featurize(args):
    from skmultimodal.model_selection._models import feature_table

    _column_options(args, training=False)
    if args.dask is not None:
        return _run_dask(args, "featurize", "rows of features")
    keep = _check_table_command(args)
    est, meta, policy = _load_table_model(args)
    names = _feature_columns(args, est, meta)
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
        with _printing(f"the features {str(path)!r}"):
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
    _refuse_overwriting_input(args, "--output", args.output)
    from skmultimodal.utils._paths import check_output_dir

    folder = check_output_dir(args.output, "--output")
    if folder.is_dir() and any(folder.iterdir()):
        raise CLIError(
            f"--output {args.output!r}: the folder is not empty; choose an "
            "empty or new --output folder, or remove its files"
        )
    if args.chunk_size < 1:
        raise CLIError(f"--chunk-size must be at least 1, got {args.chunk_size}")
    _one_column_each(
        args,
        "--dask",
        f"{kind} without --dask reads several, --chunk-size rows at a time",
    )
    from skmultimodal.distributed import PartitionError, _require_extras, run_on_dask

    try:  # the extras, checked before any work
        _require_extras("--dask")
    except ImportError as exc:
        raise CLIError(str(exc)) from None
    from skmultimodal.utils._errors import is_bad_input

    try:  # a model never fitted is refused here (_check_fitted)
        est, meta, _ = _load_table_model(args)
    except (ImportError, OSError, ValueError):
        pass  # the workers load the model and report why it fails
    else:
        if kind == "featurize":  # the width warning of featurize without --dask
            _feature_columns(args, est, meta)
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
            keep_columns=_column_names(args, "--keep-columns", "column name"),
            image_column=args.image_column,
            text_column=args.text_column,
            trusted=args.trust,
            debug=getattr(args, "debug", False),
        )
    except PartitionError as exc:
        if exc.cause is not None and is_bad_input(exc.cause, CLIError):
            raise CLIError(str(exc)) from exc
        raise
    with _printing(f"the {what} in {str(meta['output'])!r}"):
        print(
            f"{meta['rows']} {what} written to {meta['output']} ({meta['parts']} "
            f"Parquet parts, {len(meta['workers'])} workers, {meta['seconds']:.1f} s)"
        )
    return 0


#: The input files a command reads, by option (the attribute is the
#: option's name in ``args``).
INPUT_OPTIONS = ("--csv", "--parquet", "--test-csv", "--model")


def _same_file(a, b):
    """Whether paths ``a`` and ``b`` name one file: the same path once
    links and ``..`` are resolved, or, both existing, the same file (a hard
    link too)."""
    import os

    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except (OSError, RuntimeError):  # a link loop: not the input
        return False


def _refuse_overwriting_input(args, option, output, names=()):
    """Refuse, before any work, an ``option`` (a file or folder the command
    writes) that is one of the input files it reads: it would be replaced.
    ``names`` are the files the command writes (or removes) in the folder
    ``output`` (the report's), each refused likewise."""
    if output is None or str(output) == "-":
        return
    written = [(Path(output), "is")]
    written += [(Path(output, name), f"writes {name!r}, which is") for name in names]
    for flag in INPUT_OPTIONS:
        given = getattr(args, flag[2:].replace("-", "_"), None)
        if given is None:
            continue
        for path, what in written:
            if _same_file(path, Path(given)):
                raise CLIError(
                    f"{option} {str(output)!r} {what} the input file {flag} "
                    f"{str(given)!r}: writing it would destroy the input; "
                    f"choose another {option}"
                )


def _check_table_command(args):
    """What predict and featurize check before reading anything: the
    output file (and pyarrow for Parquet, in or out), ``--chunk-size`` and
    the kept columns, which are returned."""
    from skmultimodal.utils._output import TABLE_FORMATS, _pyarrow
    from skmultimodal.utils._paths import check_output_file

    _refuse_overwriting_input(args, "--output", args.output)
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
    policy set: ``(estimator, metadata, policy)``. A model trained with a
    filling policy keeps it under the other (``--missing mean`` on a model
    trained with ``zero`` still fills zeros): what was fitted stays."""
    from skmultimodal.fusion import _missing_policy as policies
    from skmultimodal.persistence import load_model

    model = load_model(args.model, trusted=args.trust)
    est, meta = model.estimator, model.metadata
    _check_fitted(args, est)
    trained = policies.trained_missing(est, meta.get("missing") or "raise")
    policy = policies.prediction_policy(trained, args.missing)
    if policy != trained:
        policies.set_missing_policy(est, policy)
    return est, meta, policy


_DOING = {"predict": "predicting", "featurize": "featurizing"}


def _check_fitted(args, est):
    """Refuse a ``--model`` whose estimator was saved before it was fitted
    (``check_is_fitted``), before anything is read: it predicts nothing."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(est, "fit"):  # not an estimator: refused where it is used
        return
    try:
        check_is_fitted(est)
    except NotFittedError:
        raise CLIError(
            f"model file {str(args.model)!r} holds an estimator that was never "
            "fitted: fit it (skmultimodal train ...) before "
            f"{_DOING.get(args.command, 'using it')}"
        ) from None


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
    for standard output)``.

    A model fitted on columns of their own names (a pipeline built with
    ``image=["front", "back"]``, say) reads them under those names; one
    fitted on ``image`` and ``text`` (as ``train`` fits it) reads the image
    and text columns renamed so."""
    from skmultimodal.datasets._table import (
        EmptiedImages,
        iter_parquet,
        iter_table,
        model_columns,
        own_modalities,
    )
    from skmultimodal.utils._output import table_writer

    try:
        columns, tabular = model_columns(
            est,
            meta,
            args.image_column,
            args.text_column,
            hint="pass --image-column and --text-column naming the columns it "
            "was fitted on (each takes several: --image-column front back)",
        )
    except ValueError as exc:
        raise CLIError(f"--model {str(args.model)!r}: {exc}") from None
    own = _own_columns(args, est, columns, tabular)
    if own is not None:
        tabular = own["tabular"]
    source = args.csv if args.csv is not None else args.parquet
    read = own["read"] if own is not None else []
    reader, as_text = iter_parquet, {}
    if args.csv is not None:  # categorical columns as text, as train reads them
        reader = iter_table
        as_text["categorical_columns"] = meta.get("categorical_columns") or ()
        # the texts too, in every chunk: a title "2024" is one, whatever the
        # chunk holds besides (the column was the model's text column)
        as_text["texts_as_written"] = True
    else:  # the model's own columns read as the modalities are, not typed
        as_text["read_columns"] = read
    chunks = reader(
        source,
        image_column=None if own is not None else columns["image"],
        text_column=None if own is not None else columns["text"],
        chunksize=args.chunk_size,
        keep_columns=list(dict.fromkeys([*keep, *read])),
        tabular_columns=tabular,
        # an absent file becomes an empty cell, named once here: a model
        # trained with "raise" would stop at it, and the extractors of the
        # others would warn once per chunk
        absent_images_as_missing=policy != "raise",
        # with "raise", every path that is not a file and every empty image
        # or text cell of a chunk: one message naming them all
        refuse_empty=("image", "text") if policy == "raise" else (),
        **as_text,
    )
    stream = sys.stdout if args.output == "-" else None
    path = None if stream else Path(args.output)
    unit = "line" if args.csv is not None else "row"
    n, seen = 0, EmptiedImages()  # own image columns: warned as the reader does
    shown = _modality_columns(own, columns)
    filled = dict.fromkeys(shown, False)
    try:
        with closing(chunks), table_writer(path, stream=stream) as write:
            for X, kept in chunks:
                if own is not None:
                    X = own_modalities(
                        X, kept, own, Path(source), policy, unit, seen=seen
                    )
                    kept = kept[keep]
                _seen_filled(X, filled)
                out = compute(X)
                write(kept.join(out) if keep else out)
                n += len(out)
        seen.warn_later(source, unit)
        _warn_never_filled(filled, shown, n, source)
    except ValueError as exc:
        raise _comma_hint(args, exc) from None
    return n, path


def _modality_columns(own, columns):
    """``{column of the rows the model reads: (column of the file, modality)}``
    for the image and text columns of :func:`_stream_table`."""
    if own is not None:
        return {c: (c, m) for m in ("image", "text") for c in own[m]}
    return {
        m: (_as_list(columns[m])[0], m)
        for m in ("image", "text")
        if _as_list(columns[m])
    }


def _seen_filled(X, filled):
    """Mark in ``filled`` each column of ``X`` with a cell that is not empty."""
    from skmultimodal.utils import is_missing

    for column, done in filled.items():
        if not done and column in X.columns:
            filled[column] = not X[column].map(is_missing).all()


def _warn_never_filled(filled, shown, n, source):
    """Warn of each image or text column empty in all ``n`` rows predicted
    from ``source``: every row was predicted without that modality (filled
    by the model's missing policy), which a wrong column name also gives."""
    for column, done in filled.items():
        if n and not done:
            name, modality = shown[column]
            warnings.warn(
                f"column {name!r} of {str(source)!r} is empty in all {n} rows: "
                f"every prediction was made without the {modality} modality "
                f"(filled as the model's missing policy says); if the "
                f"{modality}s are in another column, name it with "
                f"--{modality}-column",
                UserWarning,
                stacklevel=2,
            )


def _own_columns(args, est, columns, tabular):
    """None for a model that reads the image and text columns renamed
    ``image`` and ``text``; else, for one fitted on columns of their own
    names (or given several of either), ``{"image": [...], "text": [...],
    "read": [...], "tabular": [...], "order": [...]}``: the columns read
    under their own names, the table columns, and the order the model was
    fitted on. A CLIError when the model needs a column not given."""
    fitted_on = [str(c) for c in getattr(est, "feature_names_in_", ())]
    image, text = _as_list(columns["image"]), _as_list(columns["text"])
    several = len(image) > 1 or len(text) > 1
    # a model fitted on the given names, not on the modalities' own names
    renamed = [
        name
        for modality, names in (("image", image), ("text", text))
        for name in names
        if name != modality and name in fitted_on and modality not in fitted_on
    ]
    if not (several or renamed):
        return None
    # (a model fitted on several columns of their own names, one of them
    # called "image" or "text", was fitted on the columns given)
    own = set(image) | set(text) <= set(fitted_on)
    if several and {"image", "text"} & set(fitted_on) and not own:
        option, names = (
            ("--image-column", image) if len(image) > 1 else ("--text-column", text)
        )
        raise CLIError(
            f"--model {str(args.model)!r} reads one image and one text column "
            f"(it was fitted on {', '.join(map(repr, fitted_on))}, the names a "
            f"file's columns get); {option} names {len(names)}: give one"
        )
    read = list(dict.fromkeys([*image, *text]))
    tabular = list(tabular) or _tabular_branch_columns(est)
    lacking = [c for c in fitted_on if c not in read and c not in tabular]
    if fitted_on and (lacking or not set(read) <= set(fitted_on)):
        unknown = [c for c in read if c not in fitted_on]
        why = (
            f"it was not fitted on {', '.join(map(repr, unknown))}"
            if unknown
            else f"{', '.join(map(repr, lacking))} not given"
        )
        raise CLIError(
            f"--model {str(args.model)!r} reads the columns "
            f"{', '.join(map(repr, fitted_on))}; --image-column "
            f"{' '.join(image) or '(none)'} --text-column {' '.join(text) or '(none)'}"
            f" does not match them ({why}): give each image column with "
            "--image-column and each text column with --text-column"
        )
    order = fitted_on or [*read, *tabular]
    return {
        "image": image,
        "text": text,
        "read": read,
        "tabular": tabular,
        "order": order,
    }


def _tabular_branch_columns(est):
    """The columns of the ``tabular`` branch of a builder's pipeline (the
    branch of ``make_multimodal_pipeline(tabular=...)``), or []."""
    fusion = (getattr(est, "named_steps", None) or {}).get("fusion")
    for name, _, columns in getattr(fusion, "transformers", None) or ():
        if name == "tabular":
            return [columns] if isinstance(columns, str) else list(columns)
    return []


def _kept_columns(args):
    """The input columns copied to predict's output: ``--id-column`` first,
    then ``--keep-columns``, each once."""
    names = [args.id_column] if args.id_column else []
    names += _column_names(args, "--keep-columns", "column name") or []
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
