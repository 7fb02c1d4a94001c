"""The run store: every competition run's folder (run.json, folds.csv, out-of-fold and test
predictions, fold models with sha256 manifests, the blend) and reading one back."""

from kagglekit.runs.store import RunWriter, runs_root
from kagglekit.runs.stored import StoredRun, list_runs, load_run, prune_run

__all__ = ["RunWriter", "StoredRun", "list_runs", "load_run", "prune_run", "runs_root"]
