"""What a run leaves to read: the cross-validation, competition, search and holdout reports
(Markdown, HTML, JSON) and their plots."""
