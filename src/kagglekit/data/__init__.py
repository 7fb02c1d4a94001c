"""Data loaders and input schemas."""

from kagglekit.data.loaders import Dataset, load_dataset

__all__ = ["Dataset", "load_dataset"]
