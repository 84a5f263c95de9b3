"""A FormSpec kept in the database as JSON comes back equal, also when written by a cbms with fewer fields."""

from __future__ import annotations

import json

from cbms.form import FormSpec, read_form
from cbms.form.spec import spec_from_json, spec_to_json
from tests.conftest import FORM


def test_the_shipped_form_round_trips() -> None:
    form = read_form(FORM)
    assert spec_from_json(spec_to_json(form)) == form


def test_json_of_an_earlier_layout_is_read() -> None:
    form: FormSpec = read_form(FORM)
    data = json.loads(spec_to_json(form))
    del data["groups"]  # written before FormSpec kept its groups
    for question in data["questions"]:
        del question["required_messages"]
        question["retired_field"] = "x"  # a field a later layout dropped
    back = spec_from_json(json.dumps(data))
    assert back.groups == () and back.questions[0].required_messages == {}
    assert [q.name for q in back.questions] == [q.name for q in form.questions]
