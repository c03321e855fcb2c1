"""Demo data of the sessions feature (being built)."""


def seed() -> None:
    """Nothing yet."""
