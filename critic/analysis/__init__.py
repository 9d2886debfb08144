"""Analysis: sentences, their roles, statistics and reading grade of a normalised document."""
