"""The comparison table of benchmarks/competitions.py lines: kagglekit against the notebook and
AutoGluon, per table and split seed, averaged over the seeds, and how many tables are level
or better.

Usage: python benchmarks/competitions_table.py RESULTS.jsonl [MORE.jsonl ...] [--time-limit 120]

Lines are matched by (table, seed, time limit); a later line for the same run replaces an
earlier one. Scores are averaged over the seeds (an anchor run on one seed only is compared
on that seed). "level" means within 1 % of the anchor's
averaged score; "better" means better on average by more than the two seeds' gains differ
(the gain over the anchor, seed 0 against seed 1), so a gain that one split gives and the
other takes back does not count; with one seed, better at all. Prints Markdown, then one JSON
line with the counts.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

LOWER_IS_BETTER = {"rmse", "mae", "log_loss"}


def read(paths, time_limit):
    """(table, seed) -> {"metric", "kagglekit", "notebook", "autogluon"} from the lines."""
    runs = defaultdict(dict)
    for path in paths:
        for line in open(path, encoding="utf-8"):
            row = json.loads(line)
            if row.get("time_limit") != time_limit or "seed" not in row:
                continue
            run = runs[(row["table"], row["seed"])]
            run["metric"] = row["metric"]
            if "kagglekit" in row:
                run["kagglekit"] = row["kagglekit"]["ensemble"]
                run["kagglekit_seconds"] = row["kagglekit"]["seconds"]
            for anchor in ("notebook", "autogluon"):
                if anchor in row:
                    run[anchor] = row[anchor]["score"]
    return runs


def compare(ours: list, theirs: list, metric: str) -> str:
    """"better", "level" or "worse" for our scores against an anchor's, seed by seed."""
    sign = -1 if metric in LOWER_IS_BETTER else 1
    gains = [sign * (a - b) for a, b in zip(ours, theirs, strict=True)]
    gain = sum(gains) / len(gains)
    if gain > 0 and gain > max(gains) - min(gains):
        return "better"
    return "level" if gain >= -0.01 * abs(sum(theirs) / len(theirs)) else "worse"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+")
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    runs = read(args.results, args.time_limit)
    print("| table | metric | seeds | kagglekit | notebook | AutoGluon | vs notebook "
          "| vs AutoGluon |")
    print("|---|---|---|---|---|---|---|---|")
    counts = defaultdict(int)
    for table in dict.fromkeys(t for t, _ in sorted(runs)):
        seeds = sorted(s for t, s in runs if t == table and "kagglekit" in runs[(t, s)])
        if not seeds:
            continue
        metric = runs[(table, seeds[0])]["metric"]
        mean = {"kagglekit": sum(runs[(table, s)]["kagglekit"] for s in seeds) / len(seeds)}
        verdicts, cells = [], [f"{mean['kagglekit']:.4g}"]
        for who in ("notebook", "autogluon"):
            both = [s for s in seeds if runs[(table, s)].get(who) is not None]
            if not both:
                verdicts.append("")
                cells.append("—")
                continue
            theirs = [runs[(table, s)][who] for s in both]
            cells.append(f"{sum(theirs) / len(theirs):.4g}"
                         + ("" if len(both) == len(seeds) else f" (seed {both[0]})"))
            verdict = compare([runs[(table, s)]["kagglekit"] for s in both], theirs, metric)
            counts[f"{who}_{verdict}"] += 1
            counts[f"{who}_tables"] += 1
            verdicts.append(verdict)
        print(f"| {table} | {metric} | {','.join(map(str, seeds))} | " + " | ".join(cells)
              + " | " + " | ".join(verdicts) + " |")
    print(json.dumps({"time_limit": args.time_limit, **counts}))


if __name__ == "__main__":
    main()
