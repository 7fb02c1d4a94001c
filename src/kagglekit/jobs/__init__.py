"""What a command does, written once for every job spec: evaluate, search, train, predict,
submission, submit and the main ``run`` job. The CLI and scripts call these functions."""
