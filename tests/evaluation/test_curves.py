import pytest

from kagglekit.evaluation.curves import NO_VALIDATION, RISE_EPOCHS, overfits, verdict

FALLING = [1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]


def test_validation_rising_while_training_falls_is_overfitting():
    val = [1.0, 0.8, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]  # minimum at epoch 3, then +36 %
    assert overfits(FALLING, val) is True


@pytest.mark.parametrize("val, why", [
    ([1.0, 0.9, 0.8, 0.7, 0.65, 0.6, 0.58, 0.57], "validation keeps falling"),
    ([1.0, 0.8, 0.7, 0.71, 0.72, 0.72, 0.72, 0.73], "rise of 4 %, under 5 %"),
    ([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.8, 0.9], "minimum only 2 epochs before the end"),
])
def test_no_overfitting(val, why):
    assert overfits(FALLING, val) is False, why


def test_both_rising_is_not_overfitting():
    loss = [1.0, 0.8, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
    assert overfits(loss, loss) is False  # training loss did not keep falling


def test_rule_boundary_is_the_documented_number_of_epochs():
    base = [1.0, 0.5]  # minimum at epoch 2
    val = base + [0.6] * RISE_EPOCHS
    assert overfits(FALLING[:len(val)], val) is True
    assert overfits(FALLING[:len(val) - 1], val[:-1]) is False


def test_verdict_in_plain_words():
    over = {"loss": FALLING, "val_loss": [1.0, 0.8, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2],
            "best_epoch": 3}
    fine = {"loss": FALLING, "val_loss": FALLING, "best_epoch": 8}
    result = verdict([fine, over])
    assert result["overfitting"] is True and result["folds"] == [False, True]
    assert "overfitting in 1 of 2 folds (2)" in result["text"]
    assert "fold 2: epoch 3" in result["text"]
    assert verdict([fine])["text"].startswith("no sign of overfitting")
    none = verdict([{"loss": FALLING, "val_loss": [], "best_epoch": 8}])
    assert none["overfitting"] is None and none["text"] == NO_VALIDATION
    assert "--set validation_split=0.2" in NO_VALIDATION
