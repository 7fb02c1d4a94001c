"""Data sets: a name -> its loader, each in its own module over :mod:`kagglekit.data.base`."""

from __future__ import annotations

import functools
import os

from kagglekit.errors import KagglekitError

__all__ = ["Dataset", "load_dataset"]


def __getattr__(name: str):
    # ``Dataset`` (and with it pandas) loads on first use: the registry imports this package
    # for the data sets' schemas, and `kagglekit list` should not pay for pandas.
    if name == "Dataset":
        from kagglekit.data.base import Dataset

        return Dataset
    raise AttributeError(f"module 'kagglekit.data' has no attribute {name!r}")


def load_dataset(name: str = "titanic", data_dir: str | os.PathLike | None = None):
    """Load a competition's train and test data.

    Parameters
    ----------
    name : str
        ``"titanic"``, ``"car-purchase"`` (read from the data folder, not bundled),
        ``"car-preference"`` (generated, see :mod:`kagglekit.data.car`), a generated
        regression set (``"shift"``, ``"quadratic"``, ``"linear-map"``, see
        :mod:`kagglekit.data.synthetic`), ``"mnist"`` or ``"fashion-mnist"``.
    data_dir : path, optional
        A folder laid out like ``<dir>/titanic/train.csv``. Defaults to the environment
        variable ``KAGGLEKIT_DATA_DIR``, then to the copy bundled with the package.
        ``kagglekit competitions download titanic --data-dir DIR`` fetches them with the
        Kaggle API.

    Returns
    -------
    kagglekit.data.base.Dataset

    Examples
    --------
    >>> from kagglekit import load_dataset
    >>> ds = load_dataset("titanic")
    >>> ds.X.shape, ds.X_test.shape
    ((891, 11), (418, 11))
    """
    from kagglekit.data import car, images, synthetic, titanic

    loaders = {"titanic": titanic.load_titanic, "car-preference": car.load_car_preference,
               "car-purchase": car.load_car_purchase, **synthetic.LOADERS,
               "mnist": functools.partial(images.image_dataset, "mnist"),
               "fashion-mnist": functools.partial(images.image_dataset, "fashion-mnist")}
    if name not in loaders:
        raise KagglekitError(f"unknown dataset {name!r}; available: {', '.join(loaders)}")
    return loaders[name](data_dir)
