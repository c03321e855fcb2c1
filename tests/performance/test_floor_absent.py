"""Without REKINDLE_BENCH (every normal and production run) the benchmark pages do not exist."""


def test_no_benchmark_routes_in_a_normal_app(app):
    assert [r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("bench.")] == []


def test_floor_url_is_not_found(factory, login_as):
    case = factory.case(factory.counselor())
    response = login_as(factory.counselor()).get(f"/bench/floor/{case.id}")
    assert response.status_code == 404
    assert "X-Bench-Queries" not in response.headers


def test_benchmark_is_off_by_default(app):
    assert app.config["REKINDLE_BENCH"] is False
