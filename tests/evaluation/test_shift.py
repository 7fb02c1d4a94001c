"""Adversarial validation: test rows unlike the training rows are named before training."""

import numpy as np
import pandas as pd

from kagglekit.evaluation.shift import THRESHOLD, adversarial_validation

rng = np.random.default_rng(0)
N = 1500
FRAME = pd.DataFrame({"row": np.arange(N), "age": rng.integers(18, 90, N),
                      "income": rng.lognormal(10, 1, N), "city": rng.choice(list("abcd"), N)})


def test_a_random_split_looks_alike_and_the_row_counter_is_no_evidence():
    test = rng.random(N) < 0.2
    shift = adversarial_validation(FRAME[~test], FRAME[test])  # "row" counts rows: left out
    assert not shift.warns and abs(shift.auc - 0.5) < THRESHOLD - 0.5
    assert shift.columns == {} and "look alike" in shift.line()
    in_order = adversarial_validation(FRAME.iloc[:1200], FRAME.iloc[1200:])
    assert not in_order.warns  # test.csv = the last rows: only the counter tells, ignored


def test_the_top_fifth_of_one_column_is_a_warning_that_names_it():
    test = (FRAME.income >= FRAME.income.quantile(0.8)).to_numpy()
    shift = adversarial_validation(FRAME[~test], FRAME[test], ignore=["row"])
    assert shift.warns and shift.auc > 0.95
    assert list(shift.columns)[0] == "income"
    assert "income" in shift.line() and "optimistic" in shift.line()
