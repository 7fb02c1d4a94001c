"""Models: the SciKeras estimator layer, dense-net builder and scikit-learn baselines.

Importing this package does not import TensorFlow; import ``kagglekit.models.keras`` for that.
"""
