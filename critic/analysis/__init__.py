"""Analysis: sentences, their roles, statistics and reading grade of a normalised document."""


def warm_up() -> None:
    """Compile every pattern and load the syllable tables now: a critique otherwise loads only what its draft needs,
    which suits a short process; a long-lived one (the service, before it forks its workers) loads it all at start."""
    from critic.analysis import matcher, readability
    from critic.analysis.lexicon import lexicon

    lexicon()
    matcher.compile_all()
    readability.warm_up()
