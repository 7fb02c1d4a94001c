"""Kaggle's side: the API client and its credentials, downloads and uploads, leaderboard
polling, the local submission history and Kaggle's metric names. ``kaggle`` itself is
imported only inside the functions that call it."""
