"""kagglekit: Kaggle-style machine learning with scikit-learn pipelines and Keras networks.

The public API::

    from kagglekit import make_pipeline, load_dataset, evaluate, save, load, list_pipelines

Importing kagglekit is light: TensorFlow loads only when a Keras model is built or loaded.
"""

from kagglekit.data import load_dataset
from kagglekit.errors import KagglekitError
from kagglekit.evaluation import evaluate
from kagglekit.persistence import load, save
from kagglekit.pipelines import list_pipelines, make_pipeline

__version__ = "0.1.0"

__all__ = [
    "KagglekitError",
    "evaluate",
    "list_pipelines",
    "load",
    "load_dataset",
    "make_pipeline",
    "save",
]
