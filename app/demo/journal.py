"""Demo data of the journal feature (being built)."""


def seed() -> None:
    """Nothing yet."""
