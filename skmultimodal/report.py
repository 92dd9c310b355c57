"""What ``skmultimodal evaluate`` shows: the table and summary it prints,
the ``--json`` document and the report folder; and the table of
``skmultimodal plugins``. :func:`write_report` also takes the output of
:func:`skmultimodal.model_selection.compare_models` as it is.

The figures are drawn on :class:`matplotlib.figure.Figure` objects with the
Agg canvas, with matplotlib's default style and the report's own settings
(:data:`REPORT_RC`; only the user's fonts are kept): the user's matplotlib
backend, pyplot state and ``rcParams`` are left alone and do not change
the figures. Class and model names longer than :data:`MAX_TICK_LABEL`
characters are shortened on the figures only, and every text is drawn as
written: a ``$`` is a dollar sign, not the start of matplotlib's mathtext.

An evaluation has a task, ``results["task"]``: ``"classification"`` (the
default when absent), ``"regression"`` or ``"multilabel"``, and a list of
scores, ``results["scoring"]``, whose first key is the primary one: it picks
the best model (:data:`TASK_SCORING` gives each task's default, and
``results["greater_is_better"]`` the direction of each score). A NaN score
ranks below every other: a model whose primary score is NaN is never the
best (nor the best single-modality model), and when every model's is NaN
there is no best model (``best_model`` is None, and the summary and the
report say so). ``metrics.json`` holds a NaN (or infinite) value as null,
since JSON has neither.

Files of the report folder:

- ``metrics.json``: the ``--json`` document (with the best model) plus
  per-fold scores and spreads, each model's fusion method, the best
  single-modality model and the fused models below it, the score of always
  answering the most frequent class (``baseline``, with a ``note`` when the
  best model does no better), and the best model's error analysis: its
  confusion matrix, per-class (multi-label: per-label) precision, recall and
  F1, calibration (expected calibration error) and the items it gets most
  confidently wrong (regression: its largest errors); the per-modality
  contributions; the test-set scores when there are some; and what
  reproduces the run (command, library versions, data checksums);
- ``confusion_matrix.png`` (classification) or ``predicted_vs_true.png``
  (regression): out-of-fold predictions of the best model;
- ``modality_contribution.png``: the primary score of every model (mean ±
  std over folds) and the share each modality gets in the models that
  weigh them (learned late-fusion weights, mean attention weights);
- ``report.html``: one self-contained page (figures and thumbnails
  embedded as base64 PNGs; no external link) with all of the above and
  the reliability diagram of the best model.

The figures need matplotlib (the ``plot`` extra): without it the report is
written without them (a warning says so, and the page says so where each
figure would be). Thumbnails of a bundled dataset's images (``emoji``,
``icons``) come with the credit line their licence asks for, on the page
and as ``credit`` in ``metrics.json``.

Writing a report into a folder that holds an earlier one replaces these
files and removes those of them the new report does not write (e.g.
``predicted_vs_true.png`` when a classification report follows a
regression one); no other file in the folder is touched.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import json
import math
import numbers
import os
import warnings
from pathlib import Path

from skmultimodal.utils._io import file_sha256, json_text, replace_files
from skmultimodal.utils._validation import plain_label, to_pandas, type_name

__all__ = [
    "TASK_SCORING",
    "below_best_single_modality",
    "best_model",
    "format_plugins_table",
    "format_summary",
    "format_table",
    "metrics_json",
    "write_report",
]

#: Note on a fused model whose primary score is below the best
#: single-modality model's (table and report).
BELOW_SINGLE_NOTE = "below the best single modality"

TASK_SCORING = {
    "classification": ("accuracy", "macro_f1"),
    "regression": ("r2", "mae"),
    "multilabel": ("micro_f1", "macro_f1", "hamming_loss"),
}
"""Default ``results["scoring"]`` of each task: the first key is the primary
score, the one that picks the best model."""
#: Scores where lower is better, when ``results["greater_is_better"]`` does
#: not say (the results store their positive value, e.g. the mean absolute
#: error, not scikit-learn's negated scorer). One rule with
#: :func:`~skmultimodal.model_selection.compare_models`, which records the
#: direction of every score from its scorer's sign (``score_sign``: these
#: names' scikit-learn scorers, ``neg_*``, say lower is better) and stores
#: such errors positive; a recorded direction wins over the name.
LOWER_IS_BETTER = frozenset(
    {"mae", "mse", "rmse", "median_ae", "hamming_loss", "log_loss", "brier"}
)
#: How the table and the report name each score.
SCORE_LABELS = {
    "accuracy": "accuracy",
    "macro_f1": "macro-F1",
    "micro_f1": "micro-F1",
    "weighted_f1": "weighted-F1",
    "r2": "R²",
    "mae": "MAE",
    "mse": "MSE",
    "rmse": "RMSE",
    "hamming_loss": "Hamming loss",
}
#: Scores that lie in [0, 1] (bars of the contribution figure span [0, 1]).
UNIT_SCORES = frozenset(
    {"accuracy", "macro_f1", "micro_f1", "weighted_f1", "hamming_loss"}
)
#: Items shown in the report where the best model fails.
N_FAILURES = 12
#: Bins of the reliability diagram and of the expected calibration error.
N_CALIBRATION_BINS = 10
#: Longest text shown beside a thumbnail (characters).
MAX_TEXT = 160
#: Longest side of a thumbnail (pixels).
THUMBNAIL_SIZE = 96
#: Longest class or model name on a figure (characters); longer ones are
#: elided in the middle (the tables and ``metrics.json`` keep them whole).
MAX_TICK_LABEL = 24
#: Largest height of the confusion matrix figure, and of the contribution
#: figure (inches; 110 dpi).
MAX_CONFUSION_SIZE = 12.0
#: matplotlib settings of the report's figures, over matplotlib's defaults
#: (the user's style is not applied to them). ``text.parse_math`` off: class
#: and model names are drawn as written, a ``$`` in them is no mathtext
#: (``"$5 to $10"`` is not maths, ``r"$\frac$"`` is no parse error).
REPORT_RC = {
    "axes.grid": False,
    "savefig.transparent": False,
    "text.parse_math": False,
}
#: Characters the page shows as U+FFFD: the C0 controls but tab, newline and
#: carriage return, DEL and the C1 controls (``html.escape`` keeps them; in
#: a page they are invisible, or parse errors).
_CONTROLS = dict.fromkeys(
    [c for c in range(0x20) if chr(c) not in "\t\n\r"] + [*range(0x7F, 0xA0)],
    "\ufffd",
)
#: The user's settings the figures keep: the fonts.
_USER_FONT_RC = (
    "font.family",
    "font.sans-serif",
    "font.serif",
    "font.monospace",
    "font.cursive",
    "font.fantasy",
)
#: Keys :func:`write_report` reads in the results: of the evaluation (and
#: ``classes`` unless the task is regression), and of each model besides its
#: scores (each score's mean, ``_std`` and ``_folds``).
_RESULT_KEYS = ("models", "y_true", "n_samples", "cv")
_MODEL_KEYS = ("fit_time", "fit_time_folds", "oof_pred", "modalities")
#: Every file :func:`write_report` may write (and so may remove, when a new
#: report into the same folder does not write it).
REPORT_FILES = (
    "metrics.json",
    "report.html",
    "confusion_matrix.png",
    "predicted_vs_true.png",
    "modality_contribution.png",
)
#: What the report says where a figure would be when matplotlib is missing.
FIGURES_LEFT_OUT = (
    'matplotlib is not installed; pip install "skmultimodal[plot]" adds the figures'
)
#: ``cv_kind`` of results without one (``compare_models`` does not record
#: which splitter it used).
DEFAULT_CV_KIND = "cross-validation"


def task_of(results):
    """``results["task"]``: "classification" when absent."""
    task = results.get("task") or "classification"
    if task not in TASK_SCORING:
        raise ValueError(
            f"results['task'] must be one of {', '.join(TASK_SCORING)}, got {task!r}"
        )
    return task


def scoring_of(results):
    """The score keys of ``results``, primary first (the task's default
    when ``results["scoring"]`` is absent)."""
    scoring = results.get("scoring")
    if not scoring:
        return list(TASK_SCORING[task_of(results)])
    return [scoring] if isinstance(scoring, str) else list(scoring)


def greater_is_better(results, key):
    """Whether a higher ``key`` is better (``results["greater_is_better"]``,
    else False only for the usual error and loss scores)."""
    given = results.get("greater_is_better") or {}
    return bool(given.get(key, key not in LOWER_IS_BETTER))


def score_label(key):
    """How the table names a score: ``macro_f1`` is ``macro-F1``."""
    return SCORE_LABELS.get(key, key)


def _missing(value):
    """Whether a score is missing: None or NaN (a fold that failed)."""
    return value is None or value != value


def _rank(results, entry):
    """Sort key of a model entry: its scores in scoring order, each signed
    so that larger is better; a missing (NaN) score ranks below any other."""
    return tuple(
        (False, 0.0)
        if _missing(entry[k])
        else (True, entry[k] if greater_is_better(results, k) else -entry[k])
        for k in scoring_of(results)
    )


def best_model(results):
    """Name of the model with the best mean primary score (ties: the next
    scores in ``results["scoring"]``; for classification, the highest
    accuracy, ties: macro-F1). A NaN score ranks below every other, so a
    model whose primary score is NaN is never the best, nor is one with
    failed folds (``failed_folds``: it has no out-of-fold predictions);
    None when there is no other (or no model)."""
    models = results["models"]
    key = scoring_of(results)[0]
    scored = [
        n
        for n in models
        if not _missing(models[n][key]) and not models[n].get("failed_folds")
    ]
    if not scored:
        return None
    return max(scored, key=lambda n: _rank(results, models[n]))


def _all_nan_note(results, label=None):
    """``"every model's <primary score> is NaN"``: why there is no best
    model (``... or it has failed folds`` when some model has them).
    ``label``: the score's label as shown (default: :func:`score_label`)."""
    if label is None:
        label = score_label(scoring_of(results)[0])
    note = f"every model's {label} is NaN"
    if any(m.get("failed_folds") for m in results["models"].values()):
        note += " or it has failed folds"
    return note


def _failed_folds_note(entry, n_folds):
    """``"folds 2, 4 of 5 failed"`` for a model with failed folds (numbered
    from 1; ``failed_folds`` holds them from 0), else ``""``."""
    failed = entry.get("failed_folds") or []
    if not failed:
        return ""
    s = "s" if len(failed) > 1 else ""
    return f"fold{s} {', '.join(str(i + 1) for i in failed)} of {n_folds} failed"


def _notes(*notes):
    return "; ".join(note for note in notes if note)


def below_best_single_modality(results):
    """``(best single-modality model or None, fused models whose mean
    primary score is worse than its)``: the fused models that did not pay
    off. The best single-modality model is chosen as :func:`best_model`
    chooses (None when every single-modality model's primary score is
    NaN); a fused model with a NaN primary score is not compared."""
    models = results["models"]
    single = {n: r for n, r in models.items() if len(r["modalities"]) == 1}
    best = best_model({**results, "models": single}) if single else None
    if best is None:
        return None, []
    key = scoring_of(results)[0]
    sign = 1 if greater_is_better(results, key) else -1
    floor = sign * single[best][key]
    below = [
        n
        for n, r in models.items()
        if len(r["modalities"]) > 1 and not _missing(r[key]) and sign * r[key] < floor
    ]
    return best, below


def _report_style(draw):
    """Run the figure function ``draw`` with the report's own matplotlib
    settings: matplotlib's defaults, the user's fonts (they may be there to
    draw the class names' script) and :data:`REPORT_RC`, inside
    :func:`matplotlib.style.context` (the user's ``rcParams`` are restored
    afterwards). The figures thus look the same whatever style the user
    set, e.g. no grid lines over the confusion matrix."""

    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        import matplotlib as mpl
        import matplotlib.style

        fonts = {k: mpl.rcParams[k] for k in _USER_FONT_RC}
        with mpl.style.context(["default", fonts, REPORT_RC]):
            return draw(*args, **kwargs)

    return drawn


def _elide(text, width=None):
    """``text`` in at most ``width`` (:data:`MAX_TICK_LABEL`) characters,
    the middle replaced by an ellipsis."""
    width = width or MAX_TICK_LABEL
    if len(text) <= width:
        return text
    head = (width - 1) * 2 // 3
    return f"{text[:head]}…{text[len(text) - (width - 1 - head) :]}"


def _tick_labels(values):
    """Class names as tick labels, each at most :data:`MAX_TICK_LABEL`
    characters (the tables and ``metrics.json`` keep the full names).
    Longer names are elided in the middle; when that makes two alike, the
    part they all share at the start and at the end is elided instead, so
    that the part telling them apart shows."""
    # control characters (no glyph) as U+FFFD, as the page shows them;
    # runs of spaces as one, unless that makes two names alike ("books",
    # "books "): then every space shows, as "␣"
    raw = [str(v).translate(_CONTROLS) for v in values]
    texts = [" ".join(t.split()) for t in raw]
    if len(set(texts)) < len(set(raw)):
        texts = ["".join("␣" if c.isspace() else c for c in t) for t in raw]
    short = [_elide(t) for t in texts]
    if len(set(short)) == len(set(texts)):
        return short
    lead = len(os.path.commonprefix(texts))
    trail = len(os.path.commonprefix([t[::-1] for t in texts]))
    lead = min(lead, min(map(len, texts)) - trail)  # "ab", "abab": no overlap
    labels = []
    for t in texts:
        core = t[lead : len(t) - trail]
        room = MAX_TICK_LABEL - len(core) - (lead > 0) - (trail > 0)
        start = max(0, lead - max(room, 0))  # some of the shared start back
        label = ("…" if start else "") + t[start : len(t) - trail]
        labels.append(_elide(label + ("…" if trail else "")))
    return labels


def _model_label(name):
    """A model name as the figures show it: shortened as a class name is
    (:func:`_tick_labels`; the tables and ``metrics.json`` keep it whole)."""
    return _tick_labels([name])[0]


def _figure(**kwargs):
    """A Figure on the Agg canvas, outside pyplot (no global state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return buf.getvalue()


def _score_text(value):
    """A score (or a regression target's value) as the tables, summaries
    and report page write it: 3 decimals, or 4 significant digits where 3
    decimals would hide it (an error on a target of small values, such as
    0.00002) or run long (1e6 or more); ``nan`` and ``inf`` as such."""
    value = float(value)
    if math.isfinite(value) and value and not 0.001 <= abs(value) < 1e6:
        return f"{value:.4g}"
    return f"{value:.3f}"


def _mean_std(scores, key):
    """``"<mean> ± <std>"`` of score ``key`` of a model's ``scores``; the std
    at the mean's precision (a spread of rounding noise, 1.1e-16 for equal
    fold scores, is ``0.000`` beside a mean written with 3 decimals)."""
    mean, std = _score_text(scores[key]), float(scores[f"{key}_std"])
    if "e" not in mean and "n" not in mean and math.isfinite(std):
        return f"{mean} ± {std:.3f}"
    return f"{mean} ± {_score_text(std)}"


def _primary(results, name):
    """``"<score label> <mean>"`` of a model, for figure titles."""
    key = scoring_of(results)[0]
    return f"{score_label(key)} {_score_text(results['models'][name][key])}"


@_report_style
def confusion_figure(results, name):
    """PNG bytes: row-normalised out-of-fold confusion matrix of ``name``
    (class names shortened by :func:`_tick_labels`)."""
    return _png(_confusion_plot(results, name))


def _confusion_plot(results, name):
    """The Figure of :func:`confusion_figure`."""
    import numpy as np
    from sklearn.metrics import confusion_matrix

    labels = results["classes"]
    cm = confusion_matrix(
        results["y_true"], results["models"][name]["oof_pred"], labels=labels
    )
    norm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    n = len(labels)
    size = min(max(4.5, 0.6 * n + 2.5), MAX_CONFUSION_SIZE)
    # tick labels no taller than a cell (72 points an inch, ~3 in. margins)
    fontsize = min(10.0, max(4.0, 0.8 * 72 * (size - 3) / max(n, 1)))
    fig = _figure(figsize=(size + 1, size))
    ax = fig.subplots()
    im = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ticks = _tick_labels(labels)
    ax.set_xticks(range(n), ticks, rotation=45, ha="right", fontsize=fontsize)
    ax.set_yticks(range(n), ticks, fontsize=fontsize)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if n <= 20:
        for i in range(n):
            for j in range(n):
                ax.text(
                    j,
                    i,
                    str(cm[i, j]),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if norm[i, j] > 0.5 else "black",
                )
    ax.set_title(
        f"{_model_label(name)}: out-of-fold confusion matrix "
        f"({_primary(results, name)})"
    )
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="share of true class")
    return fig


@_report_style
def regression_figure(results, name):
    """PNG bytes: out-of-fold prediction against the true value of every
    row, with the diagonal of perfect predictions."""
    import numpy as np

    y = np.asarray(results["y_true"], dtype=float)
    pred = np.asarray(results["models"][name]["oof_pred"], dtype=float)
    fig = _figure(figsize=(5.5, 5))
    ax = fig.subplots()
    ax.scatter(y, pred, s=10, alpha=0.6, color="tab:blue", edgecolors="none")
    finite = np.concatenate([y[np.isfinite(y)], pred[np.isfinite(pred)]])
    lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    ax.plot([lo, hi], [lo, hi], color="gray", linestyle="--", label="perfect")
    ax.set_xlabel("true value")
    ax.set_ylabel("out-of-fold prediction")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper left")
    ax.set_title(f"{_model_label(name)}: predicted vs true ({_primary(results, name)})")
    return _png(fig)


@_report_style
def calibration_figure(calibration, name):
    """PNG bytes: reliability diagram (mean confidence against observed
    accuracy per bin, with the diagonal of perfect calibration) above the
    histogram of confidences."""
    fig = _figure(figsize=(5.5, 6))
    ax, hist = fig.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": (3, 1), "hspace": 0.08}
    )
    label = _model_label(name)
    lines = ax.plot([0, 1], [0, 1], color="gray", linestyle="--")
    lines += ax.plot(
        calibration["prob_pred"], calibration["prob_true"], marker="o", color="tab:blue"
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_ylabel(calibration["observed"])
    # labels given with their lines: one starting with "_" is shown too
    ax.legend(lines, ["perfectly calibrated", label], loc="upper left")
    ece = calibration["expected_calibration_error"]
    ax.set_title(f"{label}: reliability (expected calibration error {ece:.3f})")
    edges = calibration["bin_edges"]
    hist.bar(
        edges[:-1],
        calibration["bin_counts"],
        width=[b - a for a, b in zip(edges[:-1], edges[1:])],
        align="edge",
        color="tab:blue",
        alpha=0.5,
        edgecolor="white",
    )
    hist.set_xlabel(calibration["confidence"])
    hist.set_ylabel("count")
    return _png(fig)


@_report_style
def contribution_figure(results):
    """PNG bytes: model scores (primary score) and per-modality shares."""
    return _png(_contribution_plot(results))


def _contribution_plot(results):
    """The Figure of :func:`contribution_figure`."""
    import numpy as np
    from matplotlib.transforms import ScaledTranslation

    models = results["models"]
    key = scoring_of(results)[0]
    contrib = {n: r["contribution"] for n, r in models.items() if r.get("contribution")}
    ncols = 2 if contrib else 1
    names = list(models)
    shown = dict(zip(names, _tick_labels(names)))  # long names shortened
    n = len(names)
    # taller with more models, as the confusion matrix with more classes
    height = min(max(4.0, 0.3 * n + 1.5), MAX_CONFUSION_SIZE)
    # tick labels no taller than a bar (72 points an inch, ~1.5 in. margins)
    fontsize = min(10.0, max(4.0, 0.8 * 72 * (height - 1.5) / max(n, 1)))
    fig = _figure(figsize=(6 * ncols, height))
    axes = fig.subplots(1, ncols, squeeze=False)
    ax = axes[0, 0]
    colors = {
        "image": "tab:orange",
        "text": "tab:blue",
        "tabular": "tab:purple",
        "joint": "tab:gray",  # the joint token of the default "stack" fusion
    }
    spare = iter(["tab:red", "tab:brown", "tab:pink", "tab:olive", "tab:cyan"])
    seen = [m for r in models.values() for m in r["modalities"]]
    seen += [m for c in contrib.values() for m in c]
    for m in dict.fromkeys(seen):  # several image or text columns: own colours
        if m not in colors:
            colors[m] = next(spare, "tab:gray")
    bar_colors = [
        colors.get(models[n]["modalities"][0], "tab:gray")
        if len(models[n]["modalities"]) == 1
        else "tab:green"
        for n in names
    ]
    score = np.array([models[n][key] for n in names], dtype=float)
    std = np.array([models[n].get(f"{key}_std", 0.0) for n in names], dtype=float)
    y = np.arange(len(names))
    finite = np.isfinite(score)  # a NaN score: no bar, "NaN" written
    ax.barh(
        y,
        np.where(finite, score, 0.0),
        xerr=np.where(finite & np.isfinite(std), std, 0.0),
        color=bar_colors,
        capsize=3,
    )
    ax.set_yticks(y, [shown[n] for n in names], fontsize=fontsize)
    ax.invert_yaxis()
    if key in UNIT_SCORES:
        lo, hi = 0.0, 1.0
        ax.set_xlim(lo, hi)
    else:  # room on the right for the labels
        lo, hi = ax.get_xlim()
        hi += 0.15 * (hi - lo)
        ax.set_xlim(lo, hi)
    span = hi - lo
    ax.set_xlabel(f"{score_label(key)} (mean ± std over {results['cv']} folds)")
    singles = dict.fromkeys(
        m for r in models.values() if len(r["modalities"]) == 1 for m in r["modalities"]
    )
    named = ", ".join(f"{colors[m].removeprefix('tab:')} {m}" for m in singles)
    ax.set_title(f"single modalities ({named}) vs fused (green)", fontsize=9)
    room = 0.12 * span  # width of a value label such as "0.953"
    for yi, a, s in zip(y, score, std):
        s = s if np.isfinite(s) else 0.0
        # the value right of the bar and its error-bar cap; where the axis
        # ends there, inside the bar left of the lower cap
        if not np.isfinite(a):
            x, ha, color, text = min(max(lo, 0.0), hi), "left", "black", "NaN"
        elif max(a + s, 0.0) + room <= hi or a - s - room < max(lo, 0.0):
            x, ha, color, text = max(a + s, 0.0), "left", "black", f"{a:.3f}"
            x = min(x, hi - room)  # an error bar wider than the axis
        else:
            x, ha, color, text = a - s, "right", "white", f"{a:.3f}"
        ax.annotate(
            text,
            (x, yi),
            xytext=(4 if ha == "left" else -4, 0),
            textcoords="offset points",
            ha=ha,
            va="center",
            fontsize=8,
            color=color,
        )
    if contrib:
        ax = axes[0, 1]
        modalities = sorted({m for c in contrib.values() for m in c})
        left = np.zeros(len(contrib))
        yy = np.arange(len(contrib))
        bars = []
        for m in modalities:
            share = np.array([c.get(m, 0.0) for c in contrib.values()])
            bars.append(ax.barh(yy, share, left=left, color=colors.get(m)))
            for yi, lo, s in zip(yy, left, share):
                if s > 0.08:
                    ax.text(lo + s / 2, yi, f"{s:.2f}", ha="center", va="center")
            left += share
        ax.set_yticks(yy, [shown[n] for n in contrib], fontsize=fontsize)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of the decision given to each modality")
        ax.set_title("learned late-fusion weights / mean attention")
        # under the x label, whatever the height: 0.47 inches below the axes
        below = ax.transAxes + ScaledTranslation(0, -0.47, fig.dpi_scale_trans)
        ax.legend(  # labels given with their bars: one starting with "_" too
            bars,
            modalities,
            loc="upper center",
            bbox_to_anchor=(0.5, 0),
            bbox_transform=below,
            ncol=len(modalities),
        )
    fig.tight_layout()
    return fig


def _test_scores(results):
    """``results["test"]``'s models (``{name: {key: value}}``), or {}."""
    test = results.get("test") or {}
    return test.get("models") or {}


def metrics_json(results, dataset):
    """The ``--json`` document (its schema is relied on downstream; keys are
    only ever added).

    Each model has its primary score with its standard deviation over the
    folds, the other scores, ``fit_time`` and ``modalities``. ``task``,
    ``scoring`` and ``greater_is_better`` are added when the task or the
    scores are not the classification defaults, and ``test`` when the
    results hold test-set scores. ``n_classes`` is null for a regression
    target, which has no classes. ``results`` may be the output of
    :func:`~skmultimodal.model_selection.compare_models` as it is (see
    :func:`write_report`).
    """
    results = _check_results(results, required=False)
    task = task_of(results)
    scoring = scoring_of(results)
    primary = scoring[0]
    models = {}
    for name, r in results["models"].items():
        m = {primary: r[primary], f"{primary}_std": r[f"{primary}_std"]}
        m.update({k: r[k] for k in scoring[1:]})
        m["fit_time"] = r["fit_time"]
        m["modalities"] = list(r["modalities"])
        if r.get("failed_folds"):  # from compare_models(error_score=<number>)
            m["failed_folds"] = [int(i) for i in r["failed_folds"]]
        models[name] = m
    classes = results.get("classes", [])
    n_classes = int(results.get("n_classes", len(classes)))
    doc = {
        "dataset": dataset,
        "n_samples": int(results["n_samples"]),
        # a regression target has no classes: null, not 0
        "n_classes": None if task == "regression" else n_classes,
        "cv": int(results["cv"]),
        "models": models,
        "best_model": best_model(results),
    }
    if task != "classification" or scoring != list(TASK_SCORING[task]):
        doc["task"] = task
        doc["scoring"] = scoring
        doc["greater_is_better"] = {k: greater_is_better(results, k) for k in scoring}
    if results.get("test"):
        test = results["test"]
        doc["test"] = {
            "dataset": str(test.get("dataset", "")),
            "n_samples": int(test.get("n_samples", 0)),
            "models": {
                n: {k: float(v) for k, v in s.items()}
                for n, s in _test_scores(results).items()
            },
        }
    return doc


def _test_cell(test, name, key):
    value = test.get(name, {}).get(key)
    return "-" if value is None else _score_text(value)


def format_table(results):
    """The evaluation table: one row per model (mean ± std over folds of
    each score, then its test-set scores when there are some), with the
    fusion method of each fused model and a note on the fused models below
    the best single-modality model. ``results`` may be the output of
    :func:`~skmultimodal.model_selection.compare_models` as it is."""
    results = _check_results(results, required=False)
    _, below = below_best_single_modality(results)
    scoring = scoring_of(results)
    test = _test_scores(results)
    header = ("model", *map(score_label, scoring))
    if test:
        header += tuple(f"test {score_label(k)}" for k in scoring)
    header += ("fit time (s)", "modalities", "fusion")
    k = int(results.get("cv", 0))
    failed = {n: _failed_folds_note(r, k) for n, r in results["models"].items()}
    noted = below or any(failed.values())
    if noted:
        header += ("note",)
    rows = [header]
    for name, r in results["models"].items():
        row = (name, *(_mean_std(r, k) for k in scoring))
        if test:
            row += tuple(_test_cell(test, name, k) for k in scoring)
        row += (
            f"{r['fit_time']:.2f}",
            "+".join(r["modalities"]),
            r.get("method") or "-",
        )
        if noted:
            below_note = BELOW_SINGLE_NOTE if name in below else ""
            row += (_notes(failed[name], below_note),)
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _baseline_note(results, name):
    """What to say when model ``name`` scores, by the primary score, no
    better than always answering the most frequent class
    (``results["baseline"]``, which ``skmultimodal evaluate`` measures on
    the same folds): a rare class that the score hides, and how to rank
    instead; None when the model does better, its score is NaN, or there
    is no baseline for that score."""
    baseline = results.get("baseline")
    key = scoring_of(results)[0]
    score = results["models"][name][key]
    if not baseline or baseline.get("score") != key or _missing(score):
        return None
    higher = greater_is_better(results, key)
    if (score > baseline["value"]) if higher else (score < baseline["value"]):
        return None
    advice = "rank the models by --scoring balanced_accuracy (or roc_auc)"
    if key in ("balanced_accuracy", "roc_auc"):
        advice = "weigh it up with --class-weight balanced"
    return (
        f"always answering the most frequent class "
        f"({plain_label(baseline['class'])!r}) scores {score_label(key)} "
        f"{_score_text(baseline['value'])} on the same folds: no model does better; "
        f"with a rare class, {advice}"
    )


def format_summary(results):
    """The lines printed after the table: the best model (with its test
    score when there is one), and the fused models below the best
    single-modality model. ``results`` may be the output of
    :func:`~skmultimodal.model_selection.compare_models` as it is. A model
    whose primary score is NaN is never named the best; when every model's
    is, the first line says so (``best: none (every model's accuracy is
    NaN)``). With ``results["baseline"]`` (``skmultimodal evaluate``'s
    most-frequent-class model on the same folds), a line says when the best
    model does no better than it."""
    results = _check_results(results, required=False)
    best = best_model(results)
    if best is None:
        return f"best: none ({_all_nan_note(results)})"
    r = results["models"][best]
    key = scoring_of(results)[0]
    label = score_label(key)
    line = f"best: {best} ({label} {_mean_std(r, key)}"
    test = _test_scores(results).get(best, {})
    if key in test:
        where = (results.get("test") or {}).get("dataset")
        line += f"; test {label} {_score_text(test[key])}"
        line += f" on {where}" if where else ""
    lines = [line + ")"]
    if note := _baseline_note(results, best):
        lines.append(f"note: {note}")
    single, below = below_best_single_modality(results)
    if below:
        score = results["models"][single][key]
        lines.append(
            f"{BELOW_SINGLE_NOTE} ({single}, {label} {_score_text(score)}): "
            f"{', '.join(below)}"
        )
    return "\n".join(lines)


def format_plugins_table(rows=None, *, tracebacks=False):
    """The table ``skmultimodal plugins`` prints: the registered names, then
    the problems and the disabled plugins.

    Parameters
    ----------
    rows : list of dict, default=None
        Rows of :func:`skmultimodal.plugins.list_plugins`; by default all of
        them, failures included.
    tracebacks : bool, default=False
        Print the traceback of each problem (``skmultimodal plugins --debug``).

    Returns
    -------
    str

    Examples
    --------
    >>> print(format_plugins_table([dict(name="concat", kind="fusion_method",
    ...     distribution="skmultimodal", version="1.0", plugin="builtin:x")]))
    KIND           NAME    DISTRIBUTION  VERSION  PLUGIN
    fusion_method  concat  skmultimodal  1.0      builtin:x
    """
    from skmultimodal.plugins import (
        DISABLE_AUTOLOAD_ENV,
        autoload_disabled,
        list_plugins,
    )

    rows = list_plugins(include_failures=True) if rows is None else rows

    def having(*statuses):
        return [r for r in rows if r.get("status", "registered") in statuses]

    keys = ("kind", "name", "distribution", "version", "plugin")
    table = [[k.upper() for k in keys]]
    table += [[str(r[k]) for k in keys] for r in having("registered")]
    widths = [max(map(len, column)) for column in zip(*table)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table
    ]
    lines += [] if len(table) > 1 else ["(no methods registered)"]
    problems = having("skipped", "failed", "refused")
    hidden = not tracebacks and any(r.get("traceback") for r in problems)
    for title, some, note in [
        ("Problems", problems, "  (tracebacks: `skmultimodal plugins --debug`)"),
        ("Disabled", having("disabled"), ""),
    ]:
        lines += ["", f"{title} ({len(some)}):"] if some else []
        for r in some:
            who = f"  {r['distribution']} {r['version']}".rstrip()
            what = "plugin skipped: " if r["status"] == "skipped" else ""
            lines.append(f"{who} (plugin {r['plugin']!r}): {what}{r['reason']}")
            if tracebacks and r.get("traceback"):
                lines += ["      " + t for t in r["traceback"].rstrip().splitlines()]
        lines += [note] if note and hidden else []
    if autoload_disabled():
        note = f"Entry-point plugins are not loaded: {DISABLE_AUTOLOAD_ENV} is set."
        lines += ["", note]
    return "\n".join(lines)


# ------------------------------------------------------ error analysis ---
def per_class_scores(results, name):
    """Out-of-fold precision, recall, F1 and support of model ``name``, one
    row per class (multi-label: per label), by
    :func:`sklearn.metrics.precision_recall_fscore_support`; None for
    regression."""
    import numpy as np
    from sklearn.metrics import precision_recall_fscore_support

    task = task_of(results)
    if task == "regression":
        return None
    y = np.asarray(results["y_true"])
    pred = np.asarray(results["models"][name]["oof_pred"])
    names = list(results["classes"])
    kwargs = {"labels": names} if task == "classification" else {}
    p, r, f, s = precision_recall_fscore_support(
        y, pred, average=None, zero_division=0, **kwargs
    )
    key = "class" if task == "classification" else "label"
    return [
        {
            key: str(c),
            "precision": float(p[i]),
            "recall": float(r[i]),
            "f1": float(f[i]),
            "support": int(s[i]),
        }
        for i, c in enumerate(names)
    ]


def _class_columns(results):
    """``{class label: column of oof_proba}`` (columns in sorted order)."""
    return {c: j for j, c in enumerate(results["classes"])}


def calibration_summary(results, name, *, n_bins=N_CALIBRATION_BINS):
    """Reliability of model ``name``'s out-of-fold probabilities.

    Classification: the top-class confidence against whether that class is
    the true one; multi-label: every per-label probability against whether
    the label is present. The points are
    :func:`sklearn.calibration.calibration_curve`'s (uniform bins) and the
    expected calibration error is the mean gap between confidence and
    observed frequency over those bins, weighted by their counts.

    Returns
    -------
    calibration : dict or None
        ``expected_calibration_error``, ``prob_true``, ``prob_pred``,
        ``bin_edges``, ``bin_counts`` and what was measured; with only a
        ``note`` (and ``expected_calibration_error`` None) when the model
        has no probabilities; None for regression.
    """
    import numpy as np
    from sklearn.calibration import calibration_curve

    task = task_of(results)
    if task == "regression":
        return None
    P = results["models"][name].get("oof_proba")
    if P is None:
        return {
            "model": name,
            "expected_calibration_error": None,
            "note": f"{name} gives no probabilities (no predict_proba): "
            "no reliability diagram and no calibration error",
        }
    P = np.asarray(P, dtype=float)
    y = np.asarray(results["y_true"])
    if task == "classification":
        classes = np.asarray(results["classes"], dtype=object)
        conf = P.max(axis=1)
        hit = (classes[P.argmax(axis=1)] == y.astype(object)).astype(int)
        what = ("top-class confidence", "observed accuracy")
    else:
        conf, hit = P.ravel(), (y.ravel() > 0).astype(int)
        what = ("predicted probability of a label", "observed share present")
    conf = np.clip(conf, 0.0, 1.0)
    prob_true, prob_pred = calibration_curve(
        hit, conf, n_bins=n_bins, strategy="uniform", pos_label=1
    )
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], conf), minlength=n_bins)
    weights = counts[counts > 0] / conf.size
    return {
        "model": name,
        "n_bins": int(n_bins),
        "expected_calibration_error": float(
            np.sum(weights * np.abs(prob_true - prob_pred))
        ),
        "confidence": what[0],
        "observed": what[1],
        "prob_true": prob_true.tolist(),
        "prob_pred": prob_pred.tolist(),
        "bin_edges": edges.tolist(),
        "bin_counts": counts.tolist(),
    }


def failures(results, name, *, n=N_FAILURES):
    """Where model ``name`` fails: its ``n`` most confidently wrong rows
    (regression: the largest absolute errors).

    Classification: the misclassified rows, by the out-of-fold probability
    of the predicted class, highest first (in table order when the model
    has no probabilities); multi-label: the rows with a wrong label, by the
    confidence of their most confident wrong label decision (without
    probabilities: by the number of wrong labels).

    Returns
    -------
    failures : dict
        ``model``, ``ranked_by`` and ``items``: one dict per row with its
        ``position`` in the evaluated table, ``true`` and ``predicted``
        values (a class as text, as ``metrics.json`` writes ``classes``;
        multi-label: lists of label names; regression: numbers) and
        ``confidence`` (None without probabilities; regression:
        ``abs_error``).
    """
    import numpy as np

    task = task_of(results)
    entry = results["models"][name]
    y = np.asarray(results["y_true"])
    pred = np.asarray(entry["oof_pred"])
    P = entry.get("oof_proba")
    P = None if P is None else np.asarray(P, dtype=float)
    items = []
    if task == "regression":
        err = np.abs(pred.astype(float) - y.astype(float))
        order = np.argsort(-err, kind="stable")[:n]
        for i in order:
            items.append(
                {
                    "position": int(i),
                    "true": float(y[i]),
                    "predicted": float(pred[i]),
                    "abs_error": float(err[i]),
                }
            )
        return {"model": name, "ranked_by": "absolute error", "items": items}
    if task == "classification":
        wrong = np.flatnonzero(pred.astype(object) != y.astype(object))
        conf = true_p = None
        if P is not None:
            cols = _class_columns(results)
            conf = np.array([P[i, cols[pred[i]]] for i in wrong], dtype=float)
            true_p = np.array([P[i, cols[y[i]]] for i in wrong], dtype=float)
            keep = np.argsort(-conf, kind="stable")[:n]
        else:
            keep = np.arange(min(n, wrong.size))
        for k in keep:
            i = wrong[k]
            items.append(
                {
                    "position": int(i),
                    # written as ``classes`` and ``per_class`` write them
                    "true": str(y[i]),
                    "predicted": str(pred[i]),
                    "confidence": None if conf is None else float(conf[k]),
                    "true_class_probability": (
                        None if true_p is None else float(true_p[k])
                    ),
                }
            )
    else:  # multi-label indicator rows
        names = np.asarray([str(c) for c in results["classes"]], dtype=object)
        bad = (pred > 0) != (y > 0)
        wrong = np.flatnonzero(bad.any(axis=1))
        if P is not None:
            sure = np.where(pred > 0, P, 1.0 - P)  # confidence of each decision
            conf = np.where(bad, sure, -np.inf).max(axis=1)[wrong]
            keep = np.argsort(-conf, kind="stable")[:n]
        else:
            conf = None
            keep = np.argsort(-bad.sum(axis=1)[wrong], kind="stable")[:n]
        for k in keep:
            i = wrong[k]
            items.append(
                {
                    "position": int(i),
                    "true": names[y[i] > 0].tolist(),
                    "predicted": names[pred[i] > 0].tolist(),
                    "confidence": None if conf is None else float(conf[k]),
                }
            )
    ranked = "confidence" if P is not None else "table order"
    if P is None and task == "multilabel":
        ranked = "number of wrong labels"
    return {"model": name, "ranked_by": ranked, "items": items}


# -------------------------------------------------------- reproducing ---
def _versions():
    """Versions of the libraries behind the run (TensorFlow and Keras only
    when installed; nothing is imported to find out)."""
    import sys
    from importlib import metadata

    from skmultimodal import __version__

    versions = {"skmultimodal": __version__}
    wanted = {
        "scikit-learn": ("scikit-learn",),
        "numpy": ("numpy",),
        "pandas": ("pandas",),
        "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos"),
        "keras": ("keras",),
    }
    for name, distributions in wanted.items():
        for dist in distributions:
            try:
                versions[name] = metadata.version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
        else:
            module = sys.modules.get(name)
            if getattr(module, "__version__", None):
                versions[name] = str(module.__version__)
    return versions


def _hashable_cell(value):
    """A cell :func:`pandas.util.hash_pandas_object` can hash: encoded
    bytes and image arrays by their SHA-256, paths as strings."""
    import hashlib

    import numpy as np

    if value is None or isinstance(value, (str, int, float, bool, np.generic)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "bytes:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, np.ndarray):
        digest = hashlib.sha256(f"{value.dtype}{value.shape}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
        return "array:" + digest.hexdigest()
    return str(value)


def table_sha256(X, y=None):
    """SHA-256 (hex) of a table (and its target): the column names and
    :func:`pandas.util.hash_pandas_object` of every row, index included
    (image bytes and arrays count by their content)."""
    import hashlib

    import numpy as np
    import pandas as pd
    from pandas.util import hash_pandas_object

    frame = pd.DataFrame(X).copy(deep=False)
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(_hashable_cell)
    if y is not None:  # by position: X's index may repeat labels
        y = np.asarray(y)
        for j, column in enumerate(y.reshape(len(y), -1).T):
            frame[f"target {j}" + " " * (f"target {j}" in frame.columns)] = column
    digest = hashlib.sha256(json.dumps([str(c) for c in frame.columns]).encode())
    digest.update(hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def _fitted_modalities(entry):
    """``(modalities, fusion method label)`` of a model of
    :func:`~skmultimodal.model_selection.compare_models`'s results, read
    from its first fitted fold model (``entry["estimators"]``): the
    modalities fused by its ``ModalityFusion`` step (or the per-modality models of
    a ``LateFusionClassifier``) and the fusion method, ``"-"`` for one
    modality as ``skmultimodal evaluate`` labels it. None for any other
    model."""
    # the first fold model (a failed fold has none)
    est = next((e for e in entry.get("estimators") or () if e is not None), None)
    if hasattr(est, "weights_") and hasattr(est, "estimators_"):
        names = [str(n) for n, _, _ in est.estimators_]  # LateFusionClassifier
        return names, "late" if len(names) > 1 else "-"
    from skmultimodal.model_selection._compare import _fusion_step

    fusion = _fusion_step(est)[1]  # the ModalityFusion step, whatever its name
    names = getattr(fusion, "modality_names_", None)
    if names is None:
        return None
    names = [str(n) for n in names]
    if len(names) < 2:
        return names, "-"
    method = getattr(fusion, "method", None)
    if not isinstance(method, str):  # the default, or a FusionMethod instance
        fitted = getattr(fusion, "method_", None)
        method = getattr(fitted, "_method_name", None) or type(fitted).__name__
    return names, method


def _check_results(results, required=True):
    """The ``results`` of :func:`write_report`, checked before anything is
    written: a copy (``results`` is left as it is) with what
    :func:`~skmultimodal.model_selection.compare_models` does not give
    filled in: each model's ``modalities`` and fusion ``method`` read from
    its fitted fold models (:func:`_fitted_modalities`), ``skipped`` empty
    and ``cv_kind`` :data:`DEFAULT_CV_KIND`. A TypeError when ``results`` is
    not a dict, one ValueError naming every missing key (only the types are
    checked when not ``required``: the table and summary read fewer)."""
    from collections.abc import Mapping

    what = (
        "write_report takes the output of "
        "skmultimodal.model_selection.compare_models(models, X, y)"
    )
    if not isinstance(results, Mapping):
        model = hasattr(results, "fit") or hasattr(results, "predict")
        raise TypeError(
            f"results must be a dict of evaluation results, got "
            f"{type_name(results)}; {what}"
            + (
                ", e.g. compare_models({'my-model': model}, X, y), not a model"
                if model
                else ""
            )
        )
    models = results.get("models")
    if models is not None and not isinstance(models, Mapping):
        raise TypeError(
            "results['models'] must be a dict {model name: its scores}, got "
            f"{type_name(models)}; {what}"
        )
    needed = list(_RESULT_KEYS)
    if task_of(results) != "regression":
        needed.append("classes")
    gaps = [k for k in needed if k not in results]
    problems = [f"results lacks {', '.join(map(repr, gaps))}"] if gaps else []
    scoring = scoring_of(results)
    keys = [k for s in scoring for k in (s, f"{s}_std", f"{s}_folds")]
    keys += _MODEL_KEYS
    filled, unread = {}, []
    for name, entry in (models or {}).items():
        if not isinstance(entry, Mapping):
            raise TypeError(
                f"results['models'][{name!r}] must be a dict of the model's "
                f"scores, got {type_name(entry)}; {what}"
            )
        entry = dict(entry)
        if "modalities" not in entry or "method" not in entry:
            fitted = _fitted_modalities(entry)
            if fitted is not None:
                entry.setdefault("modalities", fitted[0])
                entry.setdefault("method", fitted[1])
        gaps = [k for k in keys if k not in entry]
        if gaps:
            problems.append(
                f"results['models'][{name!r}] lacks {', '.join(map(repr, gaps))}"
            )
        if "modalities" in gaps:
            unread.append(name)
        filled[name] = entry
    if problems and required:
        hint = (
            f" (each model's 'modalities' is read from its fitted fold models, "
            f"'estimators', when they are skmultimodal pipelines; give it for "
            f"{', '.join(map(repr, unread))}, e.g. ['image', 'text'])"
            if unread
            else ""
        )
        raise ValueError(f"{'; '.join(problems)}: {what}{hint}")
    if not filled and required:
        raise ValueError(f"results['models'] is empty: no model to report; {what}")
    results = dict(results)
    results["models"] = filled
    results.setdefault("skipped", {})
    results.setdefault("cv_kind", DEFAULT_CV_KIND)
    return results


def _check_inputs(results, X, command, data_files):
    """The new keyword arguments of :func:`write_report`, checked before
    anything is written; returns the data files as Paths."""
    if X is not None:
        if not hasattr(X, "iloc") or not hasattr(X, "columns"):
            raise TypeError(
                f"X must be the evaluated table, a pandas DataFrame; got {type_name(X)}"
            )
        n = len(results["y_true"])
        if len(X) != n:
            raise ValueError(
                f"X has {len(X)} rows but the results have {n} "
                "(results['y_true']): pass the table that was evaluated"
            )
    if command is not None and not isinstance(command, str):
        raise TypeError(f"command must be a string, got {type_name(command)}")
    return _data_paths(data_files)


def _data_paths(data_files):
    """``data_files`` (a path or a list of them; None: none) as a list of
    paths, each a file the data was read from: an absent one, a folder or
    one the system cannot look up (a link loop, no permission) is refused
    with the reason; a pipe or device (``--csv /dev/stdin``) is kept, and
    recorded without a checksum (:data:`NO_CHECKSUM`)."""
    if data_files is None:
        return []
    if isinstance(data_files, (str, bytes)) or hasattr(data_files, "__fspath__"):
        data_files = [data_files]
    from skmultimodal.datasets._table import _path_problem

    paths = [Path(p) for p in data_files]
    why = {
        "absent": "does not exist",
        "directory": "is a folder",
        "unreadable": "cannot be looked up",
    }
    for path in paths:
        kind, reason = _path_problem(path)
        if kind in why:
            reason = f" ({reason})" if reason else ""
            raise ValueError(
                f"data_files: {str(path)!r} {why[kind]}{reason}: give the "
                "files the data was read from"
            )
    return paths


#: Why a data file that is not a regular file has no checksum in the report.
NO_CHECKSUM = "not a regular file (a pipe or device, read once): no checksum"


def _seed(value):
    """A random state as JSON: an int or None as it is, anything else (a
    ``RandomState`` instance, whose draws depend on its use) by its type."""
    if value is None or isinstance(value, numbers.Integral):
        return None if value is None else int(value)
    return f"a {type(value).__name__} instance"


def splitter_record(splitter):
    """The fold splitter as JSON: ``class`` (its class name) and those of its
    parameters ``n_splits``, ``shuffle`` and ``random_state`` it has; a dict
    is kept as given, None (not recorded) stays None."""
    if splitter is None or isinstance(splitter, dict):
        return splitter
    params = ("n_splits", "shuffle", "random_state")
    record = {p: getattr(splitter, p) for p in params if hasattr(splitter, p)}
    if "random_state" in record:
        record["random_state"] = _seed(record["random_state"])
    return {"class": type(splitter).__name__, **record}


def reproducibility(
    *, command=None, data_files=(), X=None, y=None, random_state=None, splitter=None
):
    """What reproduces an evaluation: the command, Python and library
    versions, the SHA-256 of each data file and, with ``X``, of the
    evaluated table and its target, the ``random_state`` of the evaluation
    and its fold ``splitter`` (:func:`splitter_record`; both None when not
    recorded). A data file that is not a regular file
    (a pipe, as ``--csv /dev/stdin``: read once, already consumed) gets no
    checksum (``sha256`` and ``bytes`` null) and a ``note`` saying why; an
    absent one, a folder or one the system cannot look up (a link loop) is
    refused with a ValueError, as by :func:`write_report`."""
    import platform

    from skmultimodal.datasets._table import _path_kind

    def entry(path):
        if _path_kind(path) is None:
            return {
                "path": str(path),
                "sha256": file_sha256(path),
                "bytes": path.stat().st_size,
            }
        return {"path": str(path), "sha256": None, "bytes": None, "note": NO_CHECKSUM}

    return {
        "command": command,
        "python": platform.python_version(),
        "versions": _versions(),
        "data_files": [entry(p) for p in _data_paths(data_files)],
        "table_sha256": None if X is None else table_sha256(X, y),
        "random_state": _seed(random_state),
        "splitter": splitter_record(splitter),
    }


# --------------------------------------------------------------- html ---
def _escape(text):
    """``text`` escaped for the page: :func:`html.escape`, and each control
    character (:data:`_CONTROLS`: a NUL, a backspace) shown as U+FFFD."""
    return html.escape(str(text).translate(_CONTROLS))


def _thumbnail(item):
    """A base64 PNG of an image item (at most :data:`THUMBNAIL_SIZE` pixels
    a side), read as the image transformers read it; None when it cannot
    be read."""
    try:
        import cv2
        import numpy as np

        from skmultimodal.image._io import read_item, resize_image, to_uint8

        img = to_uint8(read_item(item))
        h, w = img.shape[:2]
        scale = THUMBNAIL_SIZE / max(h, w)
        if scale < 1:
            size = (max(1, round(h * scale)), max(1, round(w * scale)))
            img = resize_image(img, size)
        if img.ndim == 3:
            img = img[:, :, ::-1]  # OpenCV encodes BGR
        ok, buf = cv2.imencode(".png", np.ascontiguousarray(img))
    except Exception:  # a thumbnail is a bonus: never fail the report
        return None
    return base64.b64encode(buf.tobytes()).decode("ascii") if ok else None


def _short(text):
    if not isinstance(text, str) or not text.strip():
        return None
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _fmt(value):
    if isinstance(value, float):  # a regression target's value, as a score
        return _score_text(value)
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    return str(value)


def _row_unit(X):
    """What the index labels of ``X`` count, as the failure list names a
    row: the index's name (``"line"`` for CSV line numbers, as
    ``skmultimodal evaluate`` names them), else ``"row"``."""
    name = getattr(getattr(X, "index", None), "name", None)
    return str(name) if name is not None and str(name).strip() else "row"


def _shown_columns(entry, X):
    """``{"image": column or None, "text": column or None}``: the columns of
    ``X`` shown beside the failures of the model ``entry``: those its first
    fitted fold model (``entry["estimators"]``) reads in its ``image`` and
    ``text`` branches (as :func:`~skmultimodal.make_multimodal_pipeline`
    names the branch of one image or text column), else the ``image`` and
    ``text`` columns; None for one ``X`` lacks."""
    from skmultimodal.model_selection._compare import _fusion_step

    # the first fold model (a failed fold has none)
    est = next((e for e in entry.get("estimators") or () if e is not None), None)
    if hasattr(est, "weights_") and hasattr(est, "estimators_"):
        branches = est.estimators_  # LateFusionClassifier, as _fitted_modalities
    else:  # the ModalityFusion step, whatever its name
        branches = getattr(_fusion_step(est)[1], "transformers_", None) or ()
    read = {name: column for name, _, column in branches}
    shown = {m: read.get(m, m) for m in ("image", "text")}
    return {
        m: c if isinstance(c, str) and c in X.columns else None
        for m, c in shown.items()
    }


def _cards(fail, X, task, columns):
    """The thumbnails grid of :func:`failures`' items, with the ``image``
    and ``text`` columns of ``columns`` (:func:`_shown_columns`)."""
    e = _escape
    cards = []
    image, text = columns.get("image"), columns.get("text")
    images = X[image] if image is not None else None
    texts = X[text] if text is not None else None
    unit = _row_unit(X)
    for item in fail["items"]:
        i = item["position"]
        parts = []
        if images is not None:
            png = _thumbnail(images.iloc[i])
            parts.append(
                f'<img class="thumb" alt="{e(unit)} {e(str(X.index[i]))}" '
                f'src="data:image/png;base64,{png}">'
                if png
                else '<div class="thumb noimg">image missing or unreadable</div>'
            )
        row = X.index[i] if X is not None else i
        parts.append(f'<div class="row">{e(unit)} {e(str(plain_label(row)))}</div>')
        parts.append(f"<div>true: <b>{e(_fmt(item['true']))}</b></div>")
        parts.append(
            f'<div>predicted: <b class="wrong">{e(_fmt(item["predicted"]))}</b></div>'
        )
        if task == "regression":
            parts.append(f"<div>absolute error {item['abs_error']:.3g}</div>")
        elif item.get("confidence") is not None:
            parts.append(f"<div>confidence {item['confidence']:.3f}</div>")
        if texts is not None:
            text = _short(texts.iloc[i])
            parts.append(
                f'<div class="text">{e(text)}</div>'
                if text
                else '<div class="text muted">(no text)</div>'
            )
        cards.append(f'<div class="card">{"".join(parts)}</div>')
    return f'<div class="thumbs">{"".join(cards)}</div>'


def _figure_html(title, png, extra="", cls=""):
    """A figure with its caption (``extra``: HTML placed under it); for
    ``png`` None (no matplotlib), a note in its place."""
    title = title[:1].upper() + title[1:]
    if png is None:
        note = _escape(f"{title}: left out, {FIGURES_LEFT_OUT}")
        return f'<p class="note">{note}.{extra}</p>'
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure{cls}><img alt="{_escape(title)}" '
        f'src="data:image/png;base64,{data}">'
        f"<figcaption>{_escape(title)}{extra}</figcaption></figure>"
    )


def _table(header, rows, numeric=()):
    """An HTML table inside a horizontally scrolling wrapper."""
    e = _escape

    def cell(tag, i, value):
        cls = ' class="num"' if i in numeric else ""
        return f"<{tag}{cls}>{e(str(value))}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(header))
    body = "".join(
        "<tr{}>{}</tr>".format(
            ' class="best"' if bold else "",
            "".join(cell("td", i, v) for i, v in enumerate(row)),
        )
        for row, bold in rows
    )
    return f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>'


def _contribution_note(doc):
    """What the modality-contribution bars mean, per kind of model."""
    e = _escape
    late = [
        n
        for n, m in doc["models"].items()
        if m.get("contribution") and "late" in str(m.get("method") or "")
    ]
    attention = [
        n for n, m in doc["models"].items() if m.get("contribution") and n not in late
    ]
    if not late and not attention:
        return (
            "<p>No model here weighs its modalities: single-modality models "
            "and fusion methods such as <code>concat</code> give no "
            "per-modality share, so the figure shows the scores only.</p>"
        )
    items = []
    regression = doc.get("task") == "regression"
    # what the late-fusion weights pool: predicted values or probabilities
    pooled = "predictions" if regression else "probabilities"
    if late and regression:
        items.append(
            f"<li><b>Late-fusion weights</b> ({e(', '.join(late))}): the "
            "least-squares weights learned on each modality's out-of-fold "
            "predictions (non-negative, they sum to 1): the fused prediction "
            "is their weighted mean. A larger weight means the fused "
            "prediction leans more on that modality's predictions.</li>"
        )
    elif late:
        items.append(
            f"<li><b>Late-fusion weights</b> ({e(', '.join(late))}): the "
            "pooling weights learned on each modality's out-of-fold class "
            "probabilities (they sum to 1). A larger weight means the fused "
            "prediction leans more on that modality's probabilities.</li>"
        )
    if attention:
        items.append(
            f"<li><b>Attention shares</b> ({e(', '.join(attention))}): the "
            "mean per-sample attention each modality (or the "
            "<code>joint</code> block of the <code>stack</code> fusion) "
            "receives, averaged over the test rows of every fold. It "
            "measures where the network looks, not how much accuracy a "
            "modality adds.</li>"
        )
    return (
        "<p>What the bars on the right mean depends on the model:</p>"
        f"<ul>{''.join(items)}</ul>"
        "<p>The two can point in opposite directions. Late-fusion weights "
        f"are fitted on out-of-fold {pooled} to make the pooled "
        f"prediction right, so they reward the modality whose {pooled} "
        f"are {'accurate' if regression else 'accurate and confident'}. "
        "Attention shares come from the "
        "network's query-key similarities: a modality can draw attention "
        "because its tokens are many or easy to match while the decisive "
        "evidence comes from the other. High attention is therefore no proof "
        "that a modality helps. What a modality adds to the score is read "
        "from the bars on the left: compare the single-modality models with "
        "the fused ones.</p>"
    )


def _html(doc, figures, elapsed, *, X=None, columns=None):
    e = _escape
    columns = columns or {}  # of X shown beside the failures: _shown_columns
    task = doc["task"]
    scoring = doc["scoring"]
    labels = [score_label(k) for k in scoring]
    best = doc["best_model"]
    below = doc.get("below_best_single_modality") or []
    test = (doc.get("test") or {}).get("models") or {}
    header = ["model", *labels]
    header += [f"test {lab}" for lab in labels] if test else []
    header += ["fit time per fold (s)", "modalities", "fusion", "note"]
    rows = []
    for name, m in doc["models"].items():
        row = [name, *(_mean_std(m, k) for k in scoring)]
        if test:
            row += [_test_cell(test, name, k) for k in scoring]
        row += [
            f"{m['fit_time']:.2f}",
            " + ".join(m["modalities"]),
            m.get("method") or "-",
            _notes(
                _failed_folds_note(m, doc["cv"]),
                BELOW_SINGLE_NOTE if name in below else "",
            ),
        ]
        rows.append((row, name == best))
    n_scores = len(scoring) * (2 if test else 1)
    table = _table(header, rows, numeric=range(1, n_scores + 2))
    key, label = scoring[0], labels[0]
    if best is None:
        summary = f"<p>No best model: {_all_nan_note(doc, e(label))}.</p>"
    else:
        b = doc["models"][best]
        summary = (
            f"<p>Best model (bold): <b>{e(best)}</b>, {e(label)} {_mean_std(b, key)}"
        )
        if key in test.get(best, {}):
            summary += f"; on the test set, {e(label)} {_score_text(test[best][key])}"
        summary += ".</p>"
    if note := (doc.get("baseline") or {}).get("note"):
        summary += f"<p><b>Note</b>: {e(note)}.</p>"
    single = doc.get("best_single_modality")
    if below and single:
        s = doc["models"][single]
        summary += (
            f"<p>Fused models below the best single modality "
            f"({e(single)}, {e(label)} {_score_text(s[key])}): "
            f"{e(', '.join(below))}; fusion did not pay off for "
            f"{'it' if len(below) == 1 else 'them'} on this data.</p>"
        )
    if doc.get("test"):
        t = doc["test"]
        summary += (
            f"<p>Test columns: scores of the models fitted on all "
            f"{doc['n_samples']} rows, on <code>{e(t['dataset'])}</code> "
            f"({t['n_samples']} samples).</p>"
        )
    skipped = "".join(
        f"<li>{e(n)}: {e(why)}</li>" for n, why in doc.get("skipped", {}).items()
    )
    skipped = f"<p>Not evaluated:</p><ul>{skipped}</ul>" if skipped else ""
    contribution = (
        '<div class="pair">'
        + _figure_html(*figures["contribution"], cls=' class="wide"')
        + f'<div class="explain">{_contribution_note(doc)}</div></div>'
    )

    # where the best model fails
    parts = []
    for what, section, plural in (
        ("class", "per_class", "classes"),
        ("label", "per_label", "labels"),
    ):
        if not doc.get(section):
            continue
        rows = [
            (
                [
                    r[what],
                    f"{r['precision']:.3f}",
                    f"{r['recall']:.3f}",
                    f"{r['f1']:.3f}",
                    r["support"],
                ],
                False,
            )
            for r in doc[section][plural]
        ]
        parts.append(
            f"<h3>Precision, recall and F1 per {what} (out of fold)</h3>"
            + _table([what, "precision", "recall", "F1", "support"], rows, (1, 2, 3, 4))
        )
    cal = doc.get("calibration")
    figs = [_figure_html(*figures["errors"])] if "errors" in figures else []
    if "calibration" in figures:
        ece = (
            f"<br>Expected calibration error {cal['expected_calibration_error']:.3f}"
            f" ({cal['n_bins']} equal-width bins of the {e(cal['confidence'])}): "
            "the mean gap between confidence and observed frequency, weighted "
            "by the rows in each bin; 0 is perfectly calibrated."
        )
        figs.append(_figure_html(*figures["calibration"], extra=ece))
    elif cal and cal.get("note"):
        figs.append(f'<p class="note">{e(cal["note"])}.</p>')
    if figs:
        parts.append(f'<div class="pair">{"".join(figs)}</div>')
    fail = doc.get("failures")
    if fail is not None:
        title = {
            "regression": "Largest errors",
            "classification": "Most confidently wrong",
            "multilabel": "Most confidently wrong",
        }[task]
        note = {
            "confidence": "ranked by the confidence of the wrong prediction",
            "absolute error": "ranked by absolute error",
            "table order": "the model gives no probabilities: misclassified "
            "rows in table order",
            "number of wrong labels": "the model gives no probabilities: "
            "ranked by the number of wrong labels",
        }[fail["ranked_by"]]
        if X is None:
            note += "; the table was not given, so no thumbnails or text"
        elif not any(columns.values()):
            note += (
                "; no thumbnails or text: the table has no column the best "
                "model reads as its image or text branch, nor one named "
                "image or text"
            )
        if fail["items"]:
            credit = doc.get("credit")
            parts.append(
                f"<h3>{title} ({len(fail['items'])}; {e(note)})</h3>"
                + _cards(fail, X, task, columns)
                + (f'<p class="muted">Images: {e(credit)}.</p>' if credit else "")
            )
        else:
            parts.append(f"<h3>{title}</h3><p>No wrong out-of-fold prediction.</p>")

    # reproducing the run
    env = doc["reproducibility"]
    versions = _table(
        ["library", "version"],
        [
            ([lib, v], False)
            for lib, v in [("Python", env["python"]), *env["versions"].items()]
        ],
    )
    command = (
        f"<pre>{e(env['command'])}</pre>"
        if env.get("command")
        else "<p>Command: not recorded.</p>"
    )
    sums = []
    for f in env["data_files"]:  # a pipe's has no checksum: its note instead
        sha, size = (f["sha256"], f["bytes"]) if f["sha256"] else (f["note"], "-")
        sums.append(([f["path"], sha, size], False))
    data = _table(["data file", "SHA-256", "bytes"], sums) if sums else ""
    if env.get("table_sha256"):
        data += (
            f"<p>SHA-256 of the evaluated table and target: "
            f"<code>{env['table_sha256']}</code></p>"
        )
    data = data or "<p>Data checksum: not recorded.</p>"
    split, seed = env.get("splitter"), env.get("random_state")
    folds = [] if seed is None else [f"random_state={seed}"]
    if split:  # as the splitter's repr: KFold(n_splits=5, shuffle=True, ...)
        params = ", ".join(f"{k}={v}" for k, v in split.items() if k != "class")
        folds.insert(0, f"{split.get('class', 'splitter')}({params})")
    folds = "; ".join(folds) or "not recorded"
    data += f"<p>Folds and seed: <code>{e(folds)}</code></p>"

    if best is None:
        fails = "<h2>Where the best model fails</h2>\n<p>No error analysis: "
        fails += f"there is no best model ({_all_nan_note(doc, e(label))}).</p>"
    else:
        fails = f"<h2>Where the best model fails: {e(best)}</h2>\n{''.join(parts)}"
    what = {
        "classification": f"{doc['n_classes']} classes",
        "regression": "regression",
        "multilabel": f"{len(doc.get('classes') or [])} labels (multi-label)",
    }[task]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>skmultimodal evaluation: {e(doc["dataset"])}</title>
<style>
* {{ box-sizing: border-box; }}
body {{ font-family: sans-serif; line-height: 1.4; color: #222;
  max-width: 72em; margin: 0 auto; padding: 1em; }}
h2 {{ margin-top: 1.8em; border-bottom: 1px solid #ddd; }}
.scroll {{ overflow-x: auto; max-width: 100%; margin: 0.5em 0; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 0.3em 0.8em; text-align: left;
  white-space: nowrap; }}
.num {{ text-align: right; }}
tr.best {{ font-weight: bold; }}
img {{ max-width: 100%; height: auto; }}
figure {{ margin: 0.5em 0; }}
.pair {{ display: flex; flex-wrap: wrap; gap: 1em 2em; align-items: flex-start; }}
.pair > figure {{ flex: 1 1 24em; min-width: 0; }}
.pair > figure.wide {{ flex: 2 1 36em; }}
.pair > .explain, .pair > p {{ flex: 1 1 16em; min-width: 0; }}
.thumbs {{ display: grid; gap: 0.8em;
  grid-template-columns: repeat(auto-fill, minmax(10em, 1fr)); }}
.card {{ border: 1px solid #ddd; border-radius: 4px; padding: 0.5em;
  font-size: 0.9em; overflow-wrap: anywhere; min-width: 0; }}
.thumb {{ display: block; width: 96px; height: 96px; object-fit: contain;
  margin: 0 auto 0.4em; }}
.noimg {{ display: flex; align-items: center; justify-content: center;
  text-align: center; background: #eee; color: #666; font-size: 0.8em; }}
.wrong {{ color: #b00020; }}
.text {{ margin-top: 0.3em; color: #444; }}
.muted {{ color: #888; }}
pre, code {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
pre {{ background: #f5f5f5; padding: 0.5em; }}
</style></head><body>
<h1>skmultimodal evaluation</h1>
<p>Dataset <code>{e(doc["dataset"])}</code>: {doc["n_samples"]} samples,
{what}; {doc["cv"]}-fold {e(doc["cv_kind"])};
skmultimodal {e(doc["skmultimodal_version"])}; {elapsed:.0f} s.</p>
{table}
{summary}
{skipped}
<h2>Modality contributions</h2>
{contribution}
{fails}
<h2>Reproducing this run</h2>
{command}
{versions}
{data}
</body></html>
"""


def write_report(
    output,
    results,
    *,
    dataset,
    elapsed=0.0,
    metrics=None,
    X=None,
    command=None,
    data_files=None,
):
    """Write the report folder and return its path.

    Parameters
    ----------
    output : str or path-like
        Folder (created if needed, with its missing parents, once
        everything is computed; the folders this call created are removed
        again when writing fails, while they are empty). The files
        of an earlier report in it are replaced together: every new file is
        written to a temporary file, the temporary files are renamed over
        the old ones once all are complete (a failure or Ctrl-C before then
        leaves the earlier report whole), and then the report files this
        report does not write (e.g. ``predicted_vs_true.png`` of a
        regression report, when a classification report is written over
        it) are removed. Only the report's own file names
        (:data:`REPORT_FILES`) are ever replaced or removed: anything else
        in the folder is left alone.
    results : dict
        The output of :func:`skmultimodal.model_selection.compare_models`,
        as it is, or what ``skmultimodal evaluate``'s evaluation returns
        (that output with each model's ``modalities`` and fusion
        ``method``, and ``cv_kind`` and ``skipped``); optionally ``test``
        (see the module's docstring). What ``compare_models`` does not give
        is filled in: each model's ``modalities`` and ``method`` are read
        from its fitted fold models (``estimators``; give ``modalities``
        for a model that is not a skmultimodal pipeline), ``skipped`` is
        empty and ``cv_kind`` is ``"cross-validation"``. Never modified.
    dataset : str or path-like
        Name shown in the report; a path (e.g. of the CSV file the data was
        read from) is shown as ``str(path)``, as ``skmultimodal evaluate
        --csv`` shows it. The name of a bundled dataset
        (``"emoji"``, ``"icons"``) adds the credit line of its images when
        the report shows them as thumbnails.
    elapsed : float, default=0.0
        Wall time of the evaluation in seconds.
    metrics : dict, default=None
        The ``--json`` document; computed when None.
    X : DataFrame, default=None
        The evaluated table (pandas; a polars DataFrame or pyarrow Table is
        read as pandas), rows aligned with ``results["y_true"]``: its image
        and text columns show beside the items the best model gets wrong
        (images as thumbnails, read as the image transformers read them;
        one that cannot be read shows a placeholder), and its checksum is
        recorded. They are the columns of the best model's ``image`` and
        ``text`` branches (e.g. ``"photo"`` for
        ``make_multimodal_pipeline(image="photo")``, read from its fitted
        fold models), else those named ``image`` and ``text``; without
        either, the page says why none shows. Its index labels name those
        rows, as "row 12", or, when the index has a name, by it: "line 12"
        for an index named ``"line"`` (CSV line numbers). Never modified.
    command : str, default=None
        The command that ran the evaluation, recorded as given.
    data_files : list of path-like, default=None
        Files the data was read from; the SHA-256 of each is recorded (of
        one that is not a regular file, such as a pipe, none: a note says
        so).

    Returns
    -------
    path : pathlib.Path

    Warns
    -----
    UserWarning
        When matplotlib (the ``plot`` extra) is missing: ``metrics.json``
        and ``report.html`` are written without the figures.

    Raises
    ------
    ValueError
        When ``results`` lacks a key the report reads (every missing key is
        named), ``output`` is a file, ``X`` does not have one row per
        evaluated sample or a data file does not exist or is a folder (all
        checked before anything is written).
    TypeError
        When ``results`` is not a dict (e.g. a fitted model), ``dataset``
        is neither a string nor a path, ``X`` is not a DataFrame or
        ``command`` not a string (all checked before anything is computed).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skmultimodal import make_multimodal_pipeline
    >>> from skmultimodal.datasets import make_multimodal_classification
    >>> from skmultimodal.model_selection import compare_models
    >>> from skmultimodal.report import write_report
    >>> X, y = make_multimodal_classification(n_samples=60, random_state=0)
    >>> models = {
    ...     "text-only": make_multimodal_pipeline(image=None),
    ...     "late-fusion": make_multimodal_pipeline(
    ...         method="late", image_features="pixels", random_state=0),
    ... }
    >>> results = compare_models(models, X, y, cv=3)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_report(Path(tmp) / "report", results, dataset="toy")
    ...     sorted(p.name for p in out.iterdir())
    ['confusion_matrix.png', 'metrics.json', 'modality_contribution.png', 'report.html']
    """
    from sklearn.metrics import confusion_matrix

    from skmultimodal import __version__

    if isinstance(dataset, os.PathLike):  # the file it was read from
        dataset = os.fspath(dataset)
    if not isinstance(dataset, str):
        raise TypeError(
            "dataset must be a string, the name shown in the report (or the "
            f"path of the data file), got {type_name(dataset)}"
        )
    results = _check_results(results)  # a copy: the caller's is left alone
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise ValueError(f"cannot write the report to {str(out)!r}: it is a file")
    X = to_pandas(X, what="X")  # a polars or pyarrow table, as pandas
    paths = _check_inputs(results, X, command, data_files)
    task = task_of(results)
    scoring = scoring_of(results)
    doc = dict(metrics or metrics_json(results, dataset))
    best = best_model(results)
    doc["models"] = {n: dict(m) for n, m in doc["models"].items()}
    for name, m in doc["models"].items():
        r = results["models"][name]
        for key in scoring:
            m.setdefault(key, r[key])
            m.setdefault(f"{key}_std", r[f"{key}_std"])
        for key in scoring:
            m[f"{key}_folds"] = r[f"{key}_folds"]
        m["fit_time_folds"] = r["fit_time_folds"]
        m["contribution"] = r.get("contribution")
        m["method"] = r.get("method")
    single, below = below_best_single_modality(results)
    doc["best_model"] = best
    doc["best_single_modality"] = single
    doc["below_best_single_modality"] = below
    if baseline := results.get("baseline"):  # the most-frequent-class model
        doc["baseline"] = {
            "class": str(plain_label(baseline["class"])),
            "score": baseline["score"],
            "value": float(baseline["value"]),
            "note": _baseline_note(results, best) if best is not None else None,
        }
    doc["classes"] = (  # null for regression, as n_classes
        None if task == "regression" else [str(c) for c in results.get("classes", [])]
    )
    if task == "classification" and best is not None:
        doc["confusion_matrix"] = confusion_matrix(
            results["y_true"],
            results["models"][best]["oof_pred"],
            labels=results["classes"],
        ).tolist()
    doc["cv_kind"] = results["cv_kind"]
    doc["skipped"] = dict(results["skipped"] or {})
    doc["skmultimodal_version"] = __version__
    doc["elapsed_seconds"] = float(elapsed)
    doc["task"] = task
    doc["scoring"] = scoring
    doc["greater_is_better"] = {k: greater_is_better(results, k) for k in scoring}
    calibration = None
    columns = {}  # of X, shown beside the failures
    if best is not None:  # no error analysis when every score is NaN
        per = per_class_scores(results, best)
        if task == "classification":
            doc["per_class"] = {"model": best, "classes": per}
        elif task == "multilabel":
            doc["per_label"] = {"model": best, "labels": per}
        calibration = calibration_summary(results, best)
        if calibration is not None:
            doc["calibration"] = calibration
        fail = failures(results, best)
        if X is not None:
            for item in fail["items"]:
                item["row"] = plain_label(X.index[item["position"]])
        doc["failures"] = fail
        if X is not None:
            columns = _shown_columns(results["models"][best], X)
        if fail["items"] and columns.get("image") is not None:
            from skmultimodal.datasets._bundled import image_credit

            credit = image_credit(dataset)
            if credit:  # the thumbnails are the dataset's licensed images
                doc["credit"] = credit
    doc["reproducibility"] = reproducibility(  # the seed and folds, if given
        command=command,
        data_files=paths,
        X=X,
        y=results["y_true"],
        random_state=results.get("random_state"),
        splitter=results.get("splitter"),
    )

    try:
        import matplotlib  # noqa: F401

        plot = True
    except ImportError:  # the "plot" extra is missing
        plot = False
        warnings.warn(
            f"the report's figures were left out: {FIGURES_LEFT_OUT}",
            UserWarning,
            stacklevel=2,
        )
    figures = {}  # (title, PNG bytes or None without matplotlib, file name)
    if best is None:
        pass
    elif task == "classification":
        figures["errors"] = (
            f"Confusion matrix of the best model ({best})",
            confusion_figure(results, best) if plot else None,
            "confusion_matrix.png",
        )
    elif task == "regression":
        figures["errors"] = (
            f"Out-of-fold predictions of the best model ({best})",
            regression_figure(results, best) if plot else None,
            "predicted_vs_true.png",
        )
    if calibration is not None and calibration.get("prob_true") is not None:
        figures["calibration"] = (
            f"Reliability diagram of the best model ({best})",
            calibration_figure(calibration, best) if plot else None,
            None,  # in the page only
        )
    figures["contribution"] = (
        f"{score_label(scoring[0])} per model and per-modality contribution",
        contribution_figure(results) if plot else None,
        "modality_contribution.png",
    )
    text = json_text(doc)
    page = _html(
        doc, {k: v[:2] for k, v in figures.items()}, elapsed, X=X, columns=columns
    )
    # everything is computed before the first file is written; the files go
    # to temporary files renamed over the old ones together once all are
    # complete (a failure or Ctrl-C never leaves half a file, nor new files
    # beside an earlier report's), and only then are the files of an
    # earlier report that this one does not write removed
    files = {
        filename: png
        for _, png, filename in figures.values()
        if filename and png is not None
    }
    files["metrics.json"] = text
    files["report.html"] = page
    created = []  # the folders this call creates, the deepest first
    folder = out
    while not folder.exists() and folder != folder.parent:
        created.append(folder)
        folder = folder.parent
    out.mkdir(parents=True, exist_ok=True)
    try:
        replace_files(out, files)
    except BaseException:
        for folder in created:  # no empty report folder left behind
            with contextlib.suppress(OSError):  # rmdir removes only an empty one
                folder.rmdir()
        raise
    _remove_stale(out, keep=files)
    return out


def _remove_stale(out, keep):
    """Remove the files of :data:`REPORT_FILES` in ``out`` that are not in
    ``keep`` (an earlier report's figure this one does not draw); a file
    with any other name, or a folder, is never touched."""
    for name in REPORT_FILES:
        path = out / name
        if name not in keep and (path.is_symlink() or path.is_file()):
            path.unlink(missing_ok=True)
