"""Lazy loading raises everywhere, so an N+1 query is an error in tests, not a slow page."""

from app.extensions import db

EAGER_OR_RAISING = {"raise", "raise_on_sql", "joined", "selectin"}


def test_every_relationship_raises_or_loads_eagerly(app):
    lazy = [
        f"{mapper.class_.__name__}.{rel.key} lazy={rel.lazy}"
        for mapper in db.Model.registry.mappers
        for rel in mapper.relationships
        if rel.lazy not in EAGER_OR_RAISING
    ]
    assert lazy == []
