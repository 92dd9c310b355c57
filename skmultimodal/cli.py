"""The ``skmultimodal`` command line (``evaluate``, ``train``, ``predict``,
``featurize``, ``plugins``, ``datasets``): it parses the arguments and runs the
command (:mod:`skmultimodal._commands` reads the input files and writes the results;
the work is the library's). Every error is one line, ``skmultimodal: error: ...``:
exit status 2 for bad input (:func:`_is_bad_input`), else 1 (``--debug``: traceback)."""

from __future__ import annotations

import argparse
import re
import sys
import traceback
import warnings

from skmultimodal._commands import (
    PROG,
    QUICK_MAX_ROWS,
    CLIError,
    Terminated,
    cmd_datasets,
    cmd_evaluate,
    cmd_featurize,
    cmd_plugins,
    cmd_predict,
    cmd_train,
    command_advice,
    seed,
    sigterm_raises,
)
from skmultimodal.utils._quiet import process_state_kept, quiet_tensorflow

#: Exit status for bad input or usage (as argparse uses).
EXIT_USAGE = 2
#: Exit status for a failure while fitting or predicting.
EXIT_FAILURE = 1
#: Exit status when standard output is closed early (``... | head``): what a
#: shell reports for a process killed by SIGPIPE (128 + 13), as Unix tools do.
EXIT_BROKEN_PIPE = 141
#: Exit status on SIGTERM: what a shell reports for a process it killed.
EXIT_TERMINATED = 143
DEFAULT_REPORT_DIR = "skmultimodal-report"
#: ``--missing`` values: the policies, and ``error``, another spelling of
#: ``raise``.
MISSING_CHOICES = ("raise", "error", "zero", "mean", "indicator")


# -------------------------------------------------------------- parser ---
#: One line of help an option, by flag or, for one command's, by "COMMAND
#: flag"; docs/cli.md, the documentation's page on the command line, says more.
HELP = {
    "--debug": "show the full traceback on errors",
    "--disable-plugin": "do not load the plugin with this distribution or "
    "entry-point name (repeatable; adds to SKMULTIMODAL_DISABLE_PLUGINS)",
    "--csv": "CSV with one row per sample; image paths are relative to its folder",
    "--image-column": "column(s) of image paths, several separated by spaces or "
    "the option repeated (default: image, if the file has it)",
    "--text-column": "column(s) of texts, as --image-column (default: text)",
    "--target": "column of class labels (default: %(default)s)",
    "--missing": "missing-modality policy (default: %(default)s; error means raise); "
    "except with raise, an empty cell or unreadable image is a missing modality",
    "predict --image-column": "column(s) of image paths, several separated by "
    "spaces or the option repeated (default: the model's)",
    "predict --text-column": "column(s) of texts, as --image-column (default: the "
    "model's)",
    "predict --missing": "missing-modality policy (default: the model's)",
    "--parquet": "Parquet file instead of --csv (needs pyarrow), read in row "
    "batches; image paths are relative to its folder",
    "featurize --image-column": "column(s) of image paths, several separated by "
    "spaces or the option repeated (default: the model's)",
    "featurize --text-column": "column(s) of texts, as --image-column (default: the "
    "model's)",
    "featurize --missing": "missing-modality policy (default: the model's)",
    "featurize --output": "features file NAME.csv, NAME.jsonl (JSON lines) or "
    "NAME.parquet (needs pyarrow), or - for CSV on standard output (default); "
    "written to a temporary file renamed at the end",
    "--group-column": "column of groups: rows of one group stay in one fold (train: "
    "of the stacking's internal folds)",
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
    "--epochs": "epochs of the attention classifier (passes with --chunk-size)",
    "--random-state": "seed (default: %(default)s)",
    "evaluate --random-state": "seed of folds, models, --quick rows (%(default)s)",
    "--class-weight": "weigh classes inversely to their frequency (default: none)",
    "--scoring": "comma-separated scikit-learn scorer names (e.g. balanced_accuracy,"
    "roc_auc); the first picks the best model (default: the --task's scores)",
    "--task": "classification (one label per row; the default), regression (a "
    "number per row) or multilabel (label sets split on --label-separator)",
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
    "--dask": "process the input on a Dask cluster: 'local' (a LocalCluster) or "
    "tcp://HOST:8786; --output is then a folder of Parquet parts the workers write",
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
    for flag in ("--image-column", "--text-column"):  # default: in _commands
        _add(p, flag, action="extend", nargs="+", metavar="NAME")
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
    from skmultimodal.model_selection._models import EVALUATED_MODELS, TABULAR_MODEL

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
    models = ", ".join([*EVALUATED_MODELS, f"{TABULAR_MODEL} (with table columns)"])
    models = f"comma-separated subset of: {models} (default: all), or fusion-METHOD"
    _add(p, "--models", metavar="LIST", help=models)
    _add(p, "--methods", metavar="LIST")
    _target_options(p)
    _add(p, "--numeric-columns", metavar="LIST")
    _add(p, "--categorical-columns", metavar="LIST")
    _add(p, "--test-csv", metavar="FILE")
    _add(p, "--class-weight", choices=["balanced"])
    _add(p, "--scoring", metavar="LIST")
    _add(p, "--output", default=DEFAULT_REPORT_DIR, metavar="DIR")
    _add(p, "--json", metavar="FILE")
    _add(p, "--random-state", type=seed, default=0)
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
    _add(p, "--random-state", type=seed, default=0)
    _add(p, "--group-column", metavar="NAME")
    _add(p, "--output", required=True, metavar="FILE")
    out_of_core = "train out of core, reading N rows at a time: the concat model "
    out_of_core += "with hashed texts and SGDClassifier (--epochs passes, default 10) "
    out_of_core += "or, with --classifier attention, the attention network (20; "
    out_of_core += "save it as .joblib)"
    _add(p, "--chunk-size", type=int, metavar="N", help=out_of_core)
    hashed = "with --chunk-size: columns of each hashed text block (default "
    hashed += "65536; 16384 with --classifier attention)"
    _add(p, "--n-features", type=int, metavar="N", help=hashed)
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
_ROW = re.compile(r"\brow \d+ \(index (\d+)\)")
#: Several rows as the library names them: "rows 3 and 7 (index 5 and 9)",
#: "rows 1, 2 and 4 more (index 3, 4)".
_ROW_LIST = r"\d+(?:, \d+)*(?: and \d+)?"
_ROWS = re.compile(rf"\brows {_ROW_LIST}( and \d+ more)? \(index ({_ROW_LIST})\)")
_BUILDER_HINT = "make_multimodal_pipeline(missing='mean') (or 'zero', 'indicator')"
#: The library's ``missing=`` spelled as the command's option.
_OPTION_TERMS = [
    (  # the fusion's advice for an unreadable row: one option does both
        re.compile(
            r"give the extractor on_error='missing' and ModalityFusion "
            r"missing='(\w+)' \(or 'zero', 'indicator'\); "
            r"make_multimodal_pipeline\(missing='\w+'\) sets both"
        ),
        r"--missing \1 (or zero, indicator)",
    ),
    (
        re.compile(r"missing='zero', 'mean' or 'indicator' to ModalityFusion"),
        "--missing zero, mean or indicator",
    ),
    (
        re.compile(r"missing='zero', 'mean' or 'indicator'"),
        "--missing zero, mean or indicator",
    ),
    (
        re.compile(r"\bmissing='(\w+)' \(or 'zero', 'indicator'\)"),
        r"--missing \1 (or zero, indicator)",
    ),
    (re.compile(r"\bmissing='(\w+)'"), r"--missing \1"),
]
_NOTES = (
    " (index labels are CSV line numbers; the header is line 1)",
    " (index labels are row numbers in the Parquet file, from 0)",
)


def _listed(unit, labels, more):
    """``"line 4"``, ``"lines 4, 7 and 9"`` (``more``: " and 3 more") from
    the library's ``"4, 7 and 9"``."""
    items = [v.strip() for v in re.split(r", | and ", labels) if v.strip()]
    if more:
        return f"{unit}s {', '.join(items)}{more}"
    if len(items) == 1:
        return f"{unit} {items[0]}"
    return f"{unit}s {', '.join(items[:-1])} and {items[-1]}"


def _in_command_terms(args, message):
    """``message`` in the command's terms: the library's advice to pass
    ``missing=`` to the builder becomes ``--missing``, and the rows of the
    input file are named as the user sees them, by CSV line (``--csv``) or
    Parquet row number (``--parquet``), where the library names a row by its
    position and its index label."""
    message = " ".join(str(message).split())
    message = command_advice(args, message)
    message = message.replace(_BUILDER_HINT, "--missing mean (or zero, indicator)")
    for library, option in _OPTION_TERMS:
        message = library.sub(option, message)
    if getattr(args, "csv", None) is not None:
        unit = "line"
    elif getattr(args, "parquet", None) is not None:
        unit = "Parquet row"
    else:
        return message
    message = _ROW.sub(rf"{unit} \1", message)
    message = _ROWS.sub(lambda m: _listed(unit, m.group(2), m.group(1)), message)
    for note in _NOTES:  # a worker's note too: kept only if labels are left
        message = message.replace(note, "")
    if "(index " in message:  # labels the patterns do not cover
        return message + (_NOTES[0] if unit == "line" else _NOTES[1])
    return message


def _warning_printer(args):
    """``warnings.showwarning`` for a command: each distinct warning once, on
    one line like the command's own (a warning met again, by another fold,
    chunk or pass over the data, is not repeated; ``--debug`` keeps Python's
    format, with the file and line that warned)."""
    shown = set()

    def show(message, category, filename, lineno, file=None, line=None):
        text = _in_command_terms(args, message)
        if text not in shown:
            shown.add(text)
            print(f"{PROG}: warning: {text}", file=file or sys.stderr)

    return show


@process_state_kept()  # main([...]) from Python leaves no setting behind
def main(argv=None):
    """Run the command line; return the exit status (with ``--debug``, a caller
    passing ``argv`` gets the error raised; the shell, the traceback and status)."""
    parser = build_parser()
    given = sys.argv[1:] if argv is None else [str(a) for a in argv]
    args = parser.parse_args(given)
    args.argv = given  # the report records the exact command
    if getattr(args, "disable_plugin", None):  # before any plugin loads
        from skmultimodal.plugins import disable_plugins

        disable_plugins(*args.disable_plugin, source="--disable-plugin")
    from skmultimodal.utils import env_flag
    from skmultimodal.utils._errors import fold_led, is_bad_input, stdout_closed

    try:  # "0", "false", "no", "off" and "" mean off (not any non-empty value)
        debug = getattr(args, "debug", False) or env_flag("SKMULTIMODAL_DEBUG")
    except ValueError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command is None:  # a usage error: the help goes where errors go
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if not debug:  # TF's logs hidden (numerics kept)
        quiet_tensorflow()
    try:
        with warnings.catch_warnings(), sigterm_raises():
            if not debug:
                warnings.filterwarnings("ignore", category=FutureWarning)
                warnings.showwarning = _warning_printer(args)
            status = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:
        return stdout_closed(EXIT_BROKEN_PIPE)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Terminated as exc:  # the file being written is removed, as on Ctrl-C
        print(f"{PROG}: terminated ({exc})", file=sys.stderr)
        return 128 + exc.signum  # EXIT_TERMINATED for SIGTERM, 129 SIGHUP
    except Exception as exc:
        if debug and argv is not None:  # main([...]): the error to its caller
            raise
        status = EXIT_USAGE if is_bad_input(exc, CLIError) else EXIT_FAILURE
        message = _in_command_terms(args, fold_led(exc)) or type(exc).__name__
        if debug:  # from the shell: the traceback, and the status as without
            traceback.print_exc()
        elif status == EXIT_FAILURE:  # not the input: the traceback helps
            message += f" ({type(exc).__name__}; --debug shows the traceback)"
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return status
