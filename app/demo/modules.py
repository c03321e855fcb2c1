"""Demo data of the modules feature (being built)."""


def seed() -> None:
    """Nothing yet."""
