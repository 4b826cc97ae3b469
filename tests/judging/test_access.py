"""Every judging route, walked from the url map, against every role: who may use it and who is refused."""

import pytest

ORGANISER_ONLY = {
    "judging.screening",
    "judging.jury",
    "judging.invite_juror",
    "judging.remove_juror",
    "judging.name_chair",
    "judging.assignments",
    "judging.assign_all",
    "judging.assign_balanced",
    "judging.add_assignment",
    "judging.remove_assignment",
    "judging.progress",
    "judging.remind",
}
JUROR_ONLY = {"judging.dashboard", "judging.entry", "judging.save_sheet", "judging.recuse"}


def judging_routes(app, world):
    """(endpoint, method, url) for every judging route, its ids filled with the world's objects."""
    own = world.assignment(world.alice, world.entries[0])
    values = {
        "edition_id": world.edition.id,
        "member_id": world.members[1].id,
        "assignment_id": own.id,
    }
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("judging."):
            continue
        url = rule.build({name: values[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    # The removals last, so that every other route still finds the objects they delete.
    return sorted(routes, key=lambda route: ("remove" in route[0], route))


def test_every_judging_route_is_in_the_role_table(app, world):
    endpoints = {endpoint for endpoint, _method, _url in judging_routes(app, world)}

    assert endpoints == ORGANISER_ONLY | JUROR_ONLY


def test_anonymous_is_sent_to_login_everywhere(app, client, world):
    for endpoint, method, url in judging_routes(app, world):
        response = client.open(url, method=method)
        if method == "POST":
            assert response.status_code in (302, 400), (endpoint, response.status_code)  # CSRF checked first
        else:
            assert response.status_code == 302 and response.headers["Location"].startswith("/login"), endpoint


@pytest.mark.parametrize("role", ["applicant", "juror", "organiser"])
def test_each_role_reaches_only_its_own_routes(app, client, auth, world, make, db, role):
    user = {
        "applicant": lambda: make.applicant(organisation=world.entries[0].organisation),
        "juror": lambda: world.alice,
        "organiser": lambda: world.organiser,
    }[role]()
    db.session.commit()
    auth.login(user.email)
    token = auth.csrf("/account")
    allowed = {"applicant": set(), "juror": JUROR_ONLY, "organiser": ORGANISER_ONLY}[role]

    for endpoint, method, url in judging_routes(app, world):
        response = client.post(url, data={"csrf_token": token}) if method == "POST" else client.get(url)
        if endpoint in allowed:
            assert response.status_code in (200, 302, 422), (endpoint, method, response.status_code)
        else:
            assert response.status_code == 403, (endpoint, method, response.status_code)
