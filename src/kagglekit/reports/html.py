"""``report.html``: one self-contained page (inline CSS, PNGs as base64 data URIs, no scripts,
no external assets), built from the same dict as ``report.json``."""

from __future__ import annotations

from html import escape

from kagglekit.evaluation.members import GAIN_TEXT
from kagglekit.evaluation.metrics import label_of
from kagglekit.reports.markup import html_image, html_table, page


def render(report: dict, images: dict[str, bytes]) -> str:
    """The HTML page of a report.

    Parameters
    ----------
    report : dict
        The content of ``report.json`` (leaderboard, results, training, plots, data,
        environment, oof_csv).
    images : dict
        Plot path (as in ``report["plots"]``) -> PNG bytes, embedded as data URIs.
    """
    first = report["results"][0]
    folds = first["n_splits"] // first["repeats"]
    repeats = f" × {first['repeats']} repeats" if first["repeats"] > 1 else ""
    kind = "" if first["task"] == "regression" else "stratified "
    parts = [
        f"<h1>Cross-validation report: {escape(report['data']['dataset'])}</h1>",
        f"<p class=lead>{folds}-fold {kind}cross-validation{repeats}, shuffled, seed "
        f"{first['seed']}; {first['task']} task. Mean ± standard deviation over folds, best "
        f"{escape(label_of(first['metric']))} first.</p>",
        _leaderboard(report),
        _per_fold(report),
        _oof(report),
        _training(report, images),
        _diagnostics(report, images),
        _holdout(report),
        _ensemble_gain(report),
        _data(report["data"]),
        _environment(report["environment"]),
    ]
    body = "\n".join(p for p in parts if p)
    return page(f"kagglekit report: {report['data']['dataset']}", body)


def _leaderboard(report: dict) -> str:
    metrics = list(report["results"][0]["scores"])
    header = ["#", "pipeline", *[label_of(m) for m in metrics], "fit s", "predict s",
              "parameters", "overfitting"]
    rows = []
    for rank, row in enumerate(report["leaderboard"], 1):
        scores = [f"{row[f'{m}_mean']:.4f} ± {row[f'{m}_std']:.4f}" if f"{m}_mean" in row
                  else "" for m in metrics]
        weights = "" if row.get("n_weights") is None else f"{row['n_weights']:,}"
        keras = row["pipeline"] in (report.get("training") or {})
        flag = {True: "yes", False: "no",
                None: "no validation split" if keras else ""}[row.get("overfitting")]
        rows.append([rank, row["pipeline"], *scores, f"{row['fit_seconds']:.2f}",
                     f"{row['predict_seconds']:.2f}", weights, flag])
    return ("<h2>Leaderboard</h2>\n" + html_table(header, rows, best=0)
            + "\n<p>fit s and predict s are totals over all folds; parameters counts the "
            "weights of the fitted Keras network (first fold, as in the network section); "
            "overfitting: see the training curves below.</p>")


def _per_fold(report: dict) -> str:
    results = report["results"]
    n = results[0]["n_splits"]
    rows = [[r["pipeline"], label_of(m), *[f"{v:.4f}" for v in s["folds"]]]
            for r in results for m, s in r["scores"].items()]
    epochs = [[r["pipeline"], "epochs trained", *r["epochs"]] for r in results if r["epochs"]]
    return ("<h2>Scores per fold</h2>\n"
            + html_table(["pipeline", "metric", *[f"fold {i + 1}" for i in range(n)]],
                     rows + epochs))


def _oof(report: dict) -> str:
    path = report.get("oof_csv")
    if path:
        text = (f'<a href="{escape(path)}">{escape(path)}</a>: one row per training row, the '
                "target and each model's out-of-fold prediction (probability of the positive "
                "class, or the predicted value), ready for stacking.")
    else:
        text = ("no out-of-fold CSV: it is written for a single (not repeated) CV of a binary "
                "or single-output regression target.")
    return f"<h2>Out-of-fold predictions</h2>\n<p>{text}</p>"


def _training(report: dict, images: dict[str, bytes]) -> str:
    training = report.get("training") or {}
    if not training:
        return ""
    parts = ["<h2>Training curves (Keras models)</h2>",
             f"<p>{escape(report['overfitting_rule'])}</p>"]
    for name, info in training.items():
        verdict = info["overfitting"]
        css = {True: "bad", False: "good", None: ""}[verdict["overfitting"]]
        parts += [f"<h3>{escape(name)}</h3>",
                  f'<div class="note {css}">{escape(verdict["text"])}</div>',
                  html_image(images, report["plots"]["loss"].get(name),
                         f"{name}: training and validation loss per epoch")]
    return "\n".join(parts)


def _diagnostics(report: dict, images: dict[str, bytes]) -> str:
    plots = report["plots"]
    figures = [html_image(images, plots["roc"], "ROC curves")]
    figures += [html_image(images, path, f"{name}: ROC per class")
                for name, path in plots.get("roc_per_class", {}).items()]
    figures += [html_image(images, path, f"{name}: confusion matrix")
                for name, path in plots["confusion"].items()]
    figures += [html_image(images, path, f"{name}: residuals")
                for name, path in plots["residuals"].items()]
    figures = [f for f in figures if f]
    if not figures:
        return ("<h2>Diagnostic plots</h2>\n<p>none: they need out-of-fold predictions, "
                "which a repeated CV or a multi-output target does not give.</p>")
    return ("<h2>Diagnostic plots (out-of-fold predictions)</h2>\n<div class=plots>\n"
            + "\n".join(figures) + "\n</div>")


def _holdout(report: dict) -> str:
    scored = [r for r in report["results"] if r.get("holdout")]
    if not scored:
        return ""
    metrics = [m for m in scored[0]["holdout"] if m != "rows"]
    rows = [[r["pipeline"], *[f"{r['holdout'].get(m, float('nan')):.4f}" for m in metrics]]
            for r in scored]
    return (f"<h2>Test set</h2>\n<p>Fitted on all training rows, scored on "
            f"{scored[0]['holdout']['rows']} labelled test rows.</p>\n"
            + html_table(["pipeline", *[label_of(m) for m in metrics]], rows))


def _ensemble_gain(report: dict) -> str:
    gains = report.get("ensemble_gain") or {}
    if not gains:
        return ""
    rows = [[name, label_of(g["metric"]), f"{g['ensemble_mean']:.4f}",
             f"{g['best_member']}: {g['best_member_mean']:.4f}",
             f"{g['gain_mean']:+.4f} ± {g['gain_std']:.4f}",
             "" if g["gain_pct"] is None else f"{g['gain_pct']:+.2f} %",
             f"{g['folds_better']} of {len(g['folds'])}"] for name, g in gains.items()]
    return ("<h2>Ensemble gain</h2>\n" + f"<p>{escape(GAIN_TEXT)}</p>\n"
            + html_table(["ensemble", "metric", "ensemble", "best member", "gain ± std over folds",
                      "gain %", "folds better"], rows))


def _data(data: dict) -> str:
    rows = [["source", data["source"]], ["training rows", data["train_rows"]],
            ["test rows", data["test_rows"]],
            ["input columns", f"{len(data['columns'])}: {', '.join(data['columns'])}"],
            ["missing values (train)", _pairs(data["missing"]) or "none"],
            ["missing values (test)", _pairs(data["test_missing"]) or "none"]]
    if "class_balance" in data:
        total = sum(data["class_balance"].values())
        rows.append(["class balance", ", ".join(f"{k}: {v} ({v / total:.1%})"
                                                for k, v in data["class_balance"].items())])
    else:
        rows += [[f"target {name}", _pairs(stats)] for name, stats in data["target"].items()]
    if "inferred" in data:
        inferred = data["inferred"]
        rows.append(["inferred columns", f"numeric {inferred['numeric']}, categorical "
                     f"{inferred['categorical']}, not used {inferred['dropped'] or 'none'}"])
    return "<h2>Data</h2>\n" + html_table(None, rows)


def _environment(env: dict) -> str:
    gpus = env.get("gpus")
    gpu = ", ".join(gpus) if gpus else ("none visible to TensorFlow" if gpus == [] else
                                        "not checked (no Keras model in this run)")
    rows = [["seed", env["seed"]],
            ["CPU", f"{env.get('cpu') or 'unknown'} ({env['cpus']} logical cores)"],
            ["GPU", gpu], ["threads", _pairs(env.get("threads") or {})],
            ["platform", env["platform"]]]
    rows += [[name, version] for name, version in env["versions"].items()]
    return "<h2>Environment</h2>\n" + html_table(None, rows)


def _pairs(mapping: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in mapping.items())
