"""Use cases as plain functions: they check rules and flush; the views commit."""
