"""Issue 15: a colleague invited by their partner admin sets a password through the one-time link on the home
page, then signs in; a used or unknown link says so."""

from __future__ import annotations

from pages_helpers import shown

from pages_world import World
from partner_model import team, users

STRONG = "violet kettle harbour mosaic"


def _invite(world: World) -> str:
    with world.session() as s:
        admin = users.get_user(s, world.user_ids["partner_admin"])
        __, token = team.invite(s, admin, email="invited.colleague@acme-consulting.example", name="Invited One")
    return token


def test_an_invited_colleague_sets_a_password_through_the_link_and_signs_in(app, world):
    token = _invite(world)
    at = app()
    at.query_params["invite"] = token
    at = at.run()
    assert not at.exception
    assert "invited.colleague@acme-consulting.example" in shown(" ".join(m.value for m in at.markdown))
    at.text_input(key="invitation_password").input(STRONG)
    at.text_input(key="invitation_password_again").input(STRONG)
    at = at.button(key="invitation_submit").click().run()
    assert not at.exception and at.success
    with world.session() as s:
        assert users.sign_in(s, email="invited.colleague@acme-consulting.example", password=STRONG)
        assert team.invited_user(s, token) is None


def test_a_weak_password_is_refused_under_its_field_and_an_unknown_link_says_so(app, world):
    token = _invite(world)
    at = app()
    at.query_params["invite"] = token
    at = at.run()
    at.text_input(key="invitation_password").input("password")
    at.text_input(key="invitation_password_again").input("password")
    at = at.button(key="invitation_submit").click().run()
    assert not at.exception and at.error
    other = app()
    other.query_params["invite"] = "not-a-token"
    other = other.run()
    assert not other.exception
    assert any("not valid any more" in e.value for e in other.error)
