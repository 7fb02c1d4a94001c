"""Hyperparameter search (every trial is an engine evaluation) and search-space files."""
