"""Reading training curves: the overfitting rule and its plain-words verdict.

The rule (the course's way of spotting overfitting: validation loss rises while training loss
keeps falling), applied to one fold's per-epoch losses:

- let ``m`` be the epoch with the lowest validation loss;
- the fold **overfits** when the validation loss kept rising for long enough and by enough,
  while the model kept learning the training rows:

  1. ``m`` lies at least :data:`RISE_EPOCHS` epochs before the last epoch (a sustained rise,
     not a one-epoch wobble),
  2. the last validation loss is more than :data:`RISE_FRACTION` (5 %) above the minimum,
  3. the last training loss is below the training loss at epoch ``m``.

Without a validation loss (``validation_split`` 0) there is no verdict (``None``).
"""

from __future__ import annotations

from collections.abc import Sequence

RISE_EPOCHS = 3
"""The validation minimum must lie at least this many epochs before the last epoch."""
RISE_FRACTION = 0.05
"""The last validation loss must exceed its minimum by more than this fraction."""

RULE = ("Overfitting rule, per fold: the validation loss ends more than "
        f"{RISE_FRACTION:.0%} above its minimum, that minimum lies {RISE_EPOCHS} or more epochs "
        "before the last epoch, and the training loss at the last epoch is below its value at "
        "the validation minimum. The dotted line marks the epoch whose weights the model "
        "kept (the best one when early stopping restores weights, else the last).")
"""The rule in plain words, as the report prints it."""
NO_VALIDATION = ("no validation curve: the network trained without a validation split; "
                 "add one with --set validation_split=0.2 (in Python: "
                 "make_pipeline(..., validation_split=0.2)).")


def overfits(loss: Sequence[float], val_loss: Sequence[float]) -> bool | None:
    """Whether one fold's curves show overfitting under the module's rule.

    Parameters
    ----------
    loss, val_loss : sequence of float
        Training and validation loss per epoch (equal length; ``val_loss`` may be empty).

    Returns
    -------
    bool or None
        None when there is no validation loss.
    """
    if not val_loss:
        return None
    best = min(range(len(val_loss)), key=val_loss.__getitem__)
    last = len(val_loss) - 1
    return (last - best >= RISE_EPOCHS
            and val_loss[last] > val_loss[best] * (1 + RISE_FRACTION)
            and loss[last] < loss[best])


def verdict(histories: list[dict]) -> dict:
    """The overfitting verdict of one Keras model over its folds.

    Parameters
    ----------
    histories : list of dict
        Per fold: ``loss``, ``val_loss`` and ``best_epoch`` (see ``CVResult.histories``).

    Returns
    -------
    dict
        ``folds``: per fold True / False / None; ``overfitting``: True when any fold overfits
        (None without validation curves); ``text``: the verdict in plain words.
    """
    flags = [overfits(h["loss"], h["val_loss"]) for h in histories]
    if not flags or all(flag is None for flag in flags):
        return {"folds": flags, "overfitting": None, "text": NO_VALIDATION}
    flagged = [i + 1 for i, flag in enumerate(flags) if flag]
    if not flagged:
        text = ("no sign of overfitting: in no fold did the validation loss rise by more than "
                f"{RISE_FRACTION:.0%} over its minimum for {RISE_EPOCHS} or more epochs while "
                "the training loss kept falling.")
    else:
        kept = ", ".join(f"fold {i}: epoch {histories[i - 1]['best_epoch']}" for i in flagged)
        text = (f"overfitting in {len(flagged)} of {len(flags)} folds "
                f"({', '.join(map(str, flagged))}): the validation loss rose by more than "
                f"{RISE_FRACTION:.0%} over its minimum for {RISE_EPOCHS} or more epochs while "
                f"the training loss kept falling (weights kept: {kept}). Fewer epochs, "
                "dropout, L2 or early stopping help.")
    return {"folds": flags, "overfitting": bool(flagged), "text": text}
