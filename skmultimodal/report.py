"""What ``skmultimodal evaluate`` shows: the table and summary it prints,
the ``--json`` document and the report folder; and the table of
``skmultimodal plugins``.

The figures are drawn on :class:`matplotlib.figure.Figure` objects with the
Agg canvas: the user's matplotlib backend and pyplot state are left alone.

Files of the report folder:

- ``metrics.json``: the ``--json`` document (with the best model) plus
  per-fold scores, macro-F1 spread, each model's fusion method, the best
  single-modality model and the fused models below it, the best model's
  confusion matrix and the per-modality contributions;
- ``confusion_matrix.png``: out-of-fold confusion matrix of the best model;
- ``modality_contribution.png``: accuracy of every model (mean ± std over
  folds) and the share each modality gets in the models that weigh them
  (learned late-fusion weights, mean attention weights);
- ``report.html``: one self-contained page naming the best model (and the
  fused models below the best single modality) with both figures embedded
  as base64 PNGs.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

from skmultimodal.utils import atomic_write

__all__ = [
    "below_best_single_modality",
    "best_model",
    "format_plugins_table",
    "format_summary",
    "format_table",
    "metrics_json",
    "write_report",
]

#: Note on a fused model whose mean accuracy is below the best single-modality
#: model's (table and report).
BELOW_SINGLE_NOTE = "below the best single modality"


def best_model(results):
    """Name of the model with the highest mean accuracy (ties: macro-F1)."""
    models = results["models"]
    return max(models, key=lambda n: (models[n]["accuracy"], models[n]["macro_f1"]))


def below_best_single_modality(results):
    """``(best single-modality model or None, fused models whose mean
    accuracy is below its)``: the fused models that did not pay off."""
    models = results["models"]
    single = {n: r for n, r in models.items() if len(r["modalities"]) == 1}
    if not single:
        return None, []
    best = best_model({"models": single})
    floor = single[best]["accuracy"]
    below = [
        n
        for n, r in models.items()
        if len(r["modalities"]) > 1 and r["accuracy"] < floor
    ]
    return best, below


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


def confusion_figure(results, name):
    """PNG bytes: row-normalised out-of-fold confusion matrix of ``name``."""
    import numpy as np
    from sklearn.metrics import confusion_matrix

    labels = results["classes"]
    cm = confusion_matrix(
        results["y_true"], results["models"][name]["oof_pred"], labels=labels
    )
    norm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    n = len(labels)
    size = max(4.5, 0.6 * n + 2.5)
    fig = _figure(figsize=(size + 1, size))
    ax = fig.subplots()
    im = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(n), [str(c) for c in labels], rotation=45, ha="right")
    ax.set_yticks(range(n), [str(c) for c in labels])
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
    acc = results["models"][name]["accuracy"]
    ax.set_title(f"{name}: out-of-fold confusion matrix (accuracy {acc:.3f})")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="share of true class")
    return _png(fig)


def contribution_figure(results):
    """PNG bytes: model accuracies and per-modality shares."""
    import numpy as np

    models = results["models"]
    contrib = {n: r["contribution"] for n, r in models.items() if r.get("contribution")}
    ncols = 2 if contrib else 1
    fig = _figure(figsize=(6 * ncols, 4))
    axes = fig.subplots(1, ncols, squeeze=False)
    ax = axes[0, 0]
    names = list(models)
    colors = {
        "image": "tab:orange",
        "text": "tab:blue",
        "joint": "tab:gray",  # the joint token of the default "stack" fusion
    }
    bar_colors = [
        colors.get(models[n]["modalities"][0], "tab:gray")
        if len(models[n]["modalities"]) == 1
        else "tab:green"
        for n in names
    ]
    acc = [models[n]["accuracy"] for n in names]
    std = [models[n]["accuracy_std"] for n in names]
    y = np.arange(len(names))
    ax.barh(y, acc, xerr=std, color=bar_colors, capsize=3)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"accuracy (mean ± std over {results['cv']} folds)")
    ax.set_title("single modalities (orange image, blue text) vs fused (green)")
    for yi, a, s in zip(y, acc, std):
        ax.text(min(a + s + 0.015, 0.9), yi, f"{a:.3f}", va="center", fontsize=8)
    if contrib:
        ax = axes[0, 1]
        modalities = sorted({m for c in contrib.values() for m in c})
        left = np.zeros(len(contrib))
        yy = np.arange(len(contrib))
        for m in modalities:
            share = np.array([c.get(m, 0.0) for c in contrib.values()])
            ax.barh(yy, share, left=left, color=colors.get(m), label=m)
            for yi, lo, s in zip(yy, left, share):
                if s > 0.08:
                    ax.text(lo + s / 2, yi, f"{s:.2f}", ha="center", va="center")
            left += share
        ax.set_yticks(yy, list(contrib))
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of the decision given to each modality")
        ax.set_title("learned late-fusion weights / mean attention")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=len(modalities))
    fig.tight_layout()
    return _png(fig)


def metrics_json(results, dataset):
    """The ``--json`` document (its schema is relied on downstream; keys are
    only ever added)."""
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


def format_table(results):
    """The evaluation table: one row per model (mean ± std over folds), with
    the fusion method of each fused model and a note on the fused models
    below the best single-modality model."""
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


def _html(doc, figures, elapsed):
    rows = []
    best = doc["best_model"]
    below = doc.get("below_best_single_modality") or []
    for name, m in doc["models"].items():
        style = ' style="font-weight:bold"' if name == best else ""
        note = BELOW_SINGLE_NOTE if name in below else ""
        rows.append(
            f"<tr{style}><td>{html.escape(name)}</td>"
            f"<td>{m['accuracy']:.3f} ± {m['accuracy_std']:.3f}</td>"
            f"<td>{m['macro_f1']:.3f} ± {m['macro_f1_std']:.3f}</td>"
            f"<td>{m['fit_time']:.2f}</td>"
            f"<td>{html.escape(' + '.join(m['modalities']))}</td>"
            f"<td>{html.escape(m.get('method') or '-')}</td>"
            f"<td>{html.escape(note)}</td></tr>"
        )
    b = doc["models"][best]
    summary = (
        f"<p>Best model (bold): <b>{html.escape(best)}</b>, accuracy "
        f"{b['accuracy']:.3f} ± {b['accuracy_std']:.3f}.</p>"
    )
    single = doc.get("best_single_modality")
    if below and single:
        s = doc["models"][single]
        summary += (
            f"<p>Fused models below the best single modality "
            f"({html.escape(single)}, accuracy {s['accuracy']:.3f}): "
            f"{html.escape(', '.join(below))}; fusion did not pay off for "
            f"{'it' if len(below) == 1 else 'them'} on this data.</p>"
        )
    imgs = "\n".join(
        f'<figure><img alt="{html.escape(title)}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'
        f"<figcaption>{html.escape(title)}</figcaption></figure>"
        for title, png in figures
    )
    skipped = "".join(
        f"<li>{html.escape(n)}: {html.escape(why)}</li>"
        for n, why in doc.get("skipped", {}).items()
    )
    skipped = f"<p>Not evaluated:</p><ul>{skipped}</ul>" if skipped else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>skmultimodal evaluation: {html.escape(doc["dataset"])}</title>
<style>
body {{ font-family: sans-serif; max-width: 70em; margin: 2em auto; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 0.3em 0.8em; text-align: left; }}
img {{ max-width: 100%; }}
</style></head><body>
<h1>skmultimodal evaluation</h1>
<p>Dataset <code>{html.escape(doc["dataset"])}</code>: {doc["n_samples"]} samples,
{doc["n_classes"]} classes; {doc["cv"]}-fold {html.escape(doc["cv_kind"])};
skmultimodal {html.escape(doc["skmultimodal_version"])}; {elapsed:.0f} s.</p>
<table><tr><th>model</th><th>accuracy</th><th>macro-F1</th>
<th>fit time per fold (s)</th><th>modalities</th><th>fusion</th><th>note</th></tr>
{"".join(rows)}
</table>
{summary}
{skipped}
{imgs}
</body></html>
"""


def write_report(output, results, *, dataset, elapsed=0.0, metrics=None):
    """Write the report folder and return its path.

    Parameters
    ----------
    output : str or path-like
        Folder (created if needed; existing report files are replaced).
    results : dict
        What ``skmultimodal evaluate``'s evaluation returns: the result of
        :func:`skmultimodal.model_selection.compare_models` with each
        model's ``modalities`` and fusion ``method``, and ``cv_kind`` and
        ``skipped``.
    dataset : str
        Name shown in the report.
    elapsed : float, default=0.0
        Wall time of the evaluation in seconds.
    metrics : dict, default=None
        The ``--json`` document; computed when None.

    Returns
    -------
    path : pathlib.Path
    """
    from skmultimodal import __version__

    out = Path(output)
    if out.exists() and not out.is_dir():
        raise ValueError(f"cannot write the report to {str(out)!r}: it is a file")
    out.mkdir(parents=True, exist_ok=True)
    doc = dict(metrics or metrics_json(results, dataset))
    best = best_model(results)
    doc["models"] = {n: dict(m) for n, m in doc["models"].items()}
    for name, m in doc["models"].items():
        r = results["models"][name]
        m["macro_f1_std"] = r["macro_f1_std"]
        m["accuracy_folds"] = r["accuracy_folds"]
        m["macro_f1_folds"] = r["macro_f1_folds"]
        m["fit_time_folds"] = r["fit_time_folds"]
        m["contribution"] = r.get("contribution")
        m["method"] = r.get("method")
    from sklearn.metrics import confusion_matrix

    single, below = below_best_single_modality(results)
    doc["best_model"] = best
    doc["best_single_modality"] = single
    doc["below_best_single_modality"] = below
    doc["classes"] = [str(c) for c in results["classes"]]
    doc["confusion_matrix"] = confusion_matrix(
        results["y_true"],
        results["models"][best]["oof_pred"],
        labels=results["classes"],
    ).tolist()
    doc["cv_kind"] = results.get("cv_kind", "stratified k-fold")
    doc["skipped"] = dict(results.get("skipped", {}))
    doc["skmultimodal_version"] = __version__
    doc["elapsed_seconds"] = float(elapsed)

    cm_png = confusion_figure(results, best)
    contrib_png = contribution_figure(results)
    # every file is written to a temporary file and renamed over the old
    # one once complete: a failure never leaves half a file behind
    with atomic_write(out / "confusion_matrix.png", "wb") as fh:
        fh.write(cm_png)
    with atomic_write(out / "modality_contribution.png", "wb") as fh:
        fh.write(contrib_png)
    with atomic_write(out / "metrics.json", "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2, default=str)
    page = _html(
        doc,
        [
            (f"Confusion matrix of the best model ({best})", cm_png),
            ("Accuracy per model and per-modality contribution", contrib_png),
        ],
        elapsed,
    )
    with atomic_write(out / "report.html", "w", encoding="utf-8") as fh:
        fh.write(page)
    return out
