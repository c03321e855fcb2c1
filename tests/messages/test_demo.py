"""The demo shows messages: the couple's joint conversation and a private note from Alex."""

import re

ALEX_PRIVATE = "how tired I have been"


def test_the_demo_couple_has_conversations(app, runner, login_as):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    alex = login_as("alex@demo.rekindle.test", password="rekindle-demo")
    sam = login_as("sam@demo.rekindle.test", password="rekindle-demo")
    links = re.findall(r'href="(/messages/\d+)"', alex.get("/me/messages").get_data(as_text=True))
    pages = [alex.get(link).get_data(as_text=True) for link in links]
    assert any("soft start-up" in page for page in pages)
    assert any(ALEX_PRIVATE in page for page in pages)
    for link in re.findall(
        r'href="(/messages/\d+)"', sam.get("/me/messages").get_data(as_text=True)
    ):
        assert ALEX_PRIVATE not in sam.get(link).get_data(as_text=True)
    counselor = login_as("counselor@demo.rekindle.test", password="rekindle-demo")
    assert ALEX_PRIVATE in counselor.get("/inbox?needs=reply").get_data(as_text=True)
