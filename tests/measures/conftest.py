"""Fixtures of the measures tests: a couple with a counselor, schedules and answering helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.measures import instruments as catalogue
from app.models import Case, MeasureCadence, MeasureResponse, MeasureSchedule, SafetyFlag, User


@dataclass
class Couple:
    """A counselor's couple case."""

    case: Case
    counselor: User
    a: User
    b: User


@pytest.fixture
def couple(factory) -> Couple:
    counselor = factory.counselor()
    case, a, b = factory.couple(counselor)
    return Couple(case, counselor, a, b)


def positions_for(code: str, total: int) -> dict[str, str]:
    """Form values (printed positions) whose points add up to ``total``."""
    instrument = catalogue.get(code)
    left, answers = total, {}
    for item in instrument.items:
        top = len(item.options) - 1
        points = min(top, left)
        left -= points
        answers[item.key] = str(top - points if item.reverse else points)
    assert left == 0
    return answers


@pytest.fixture
def schedule_measure(app: Flask, login_as) -> Callable[..., MeasureSchedule]:
    """The counselor schedules a measure through the form; returns the new schedule."""

    def _schedule(
        couple: Couple, code: str, *, who: str = "all", cadence=MeasureCadence.WEEKLY, share=False
    ):
        counselor = login_as(couple.counselor)
        data = {
            "instrument": code,
            "who": who,
            "cadence": cadence.value,
            "request_key": f"k-{code}-{who}-{cadence}",
        }
        if share:
            data["share_results"] = "y"
        response = counselor.post(f"/cases/{couple.case.id}/measures", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return newest(app, MeasureSchedule)

    return _schedule


def newest(app: Flask, model):
    """The newest row of ``model`` (loaded, detached)."""
    with app.app_context():
        row = db.session.scalars(db.select(model).order_by(model.id.desc())).first()
        if row is not None:
            db.session.expunge(row)
        return row


@pytest.fixture
def answer(app: Flask) -> Callable[..., object]:
    """A client sends a due measure through the form; returns the HTTP response."""

    def _answer(
        client: FlaskClient, schedule: MeasureSchedule, values: dict[str, str], follow=False
    ):
        with app.app_context():
            from app.measures.services import current_for

            occurrence = current_for(db.session.merge(schedule))
        return client.post(
            f"/me/measures/{schedule.id}/{occurrence}", data=values, follow_redirects=follow
        )

    return _answer


@pytest.fixture
def rows(app: Flask) -> Callable[..., list]:
    """All rows of a model, loaded in a short app context."""

    def _rows(model) -> list:
        with app.app_context():
            found = list(db.session.scalars(db.select(model).order_by(model.id)))
            for row in found:
                if model in (MeasureResponse,):
                    _ = (row.answers, row.score)
                if model is SafetyFlag:
                    _ = row.action
                db.session.expunge(row)
            return found

    return _rows
