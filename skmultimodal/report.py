"""The report folder written by ``skmultimodal evaluate``.

Files:

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

__all__ = ["below_best_single_modality", "best_model", "write_report"]


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


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    _pyplot().close(fig)
    return buf.getvalue()


def confusion_figure(results, name):
    """PNG bytes: row-normalised out-of-fold confusion matrix of ``name``."""
    import numpy as np
    from sklearn.metrics import confusion_matrix

    plt = _pyplot()
    labels = results["classes"]
    cm = confusion_matrix(
        results["y_true"], results["models"][name]["oof_pred"], labels=labels
    )
    norm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    n = len(labels)
    size = max(4.5, 0.6 * n + 2.5)
    fig, ax = plt.subplots(figsize=(size + 1, size))
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

    plt = _pyplot()
    models = results["models"]
    contrib = {n: r["contribution"] for n, r in models.items() if r.get("contribution")}
    ncols = 2 if contrib else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6 * ncols, 4), squeeze=False)
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


def _html(doc, figures, elapsed):
    rows = []
    best = doc["best_model"]
    below = doc.get("below_best_single_modality") or []
    for name, m in doc["models"].items():
        style = ' style="font-weight:bold"' if name == best else ""
        note = "below the best single modality" if name in below else ""
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
        What :func:`skmultimodal.cli.run_evaluation` returns.
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
    from skmultimodal.cli import metrics_json

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
