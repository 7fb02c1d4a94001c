"""Combining models: the greedy (Caruana) blend and stacking of out-of-fold outputs, their
honest gain (weights chosen on other folds), and ensemble members' scores per fold."""
