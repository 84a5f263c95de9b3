"""read_form: the FormSpec of real outside forms and of small markdown forms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cbms.form import read_form
from tests.conftest import EXTERNAL

BILINGUAL = """
| survey |
|        | type                   | name   | label::Español (es) | label::English (en) | relevant      | constraint | constraint_message::Español (es) | constraint_message::English (en) | required | choice_filter |
|        | select_one sector      | sector | Sector              | Sector              |               |            |                                  |                                  | yes      |               |
|        | select_one grupo       | grupo  | Grupo               | Group               |               |            |                                  |                                  |          | sector=${sector} |
|        | begin_group            | hh     | Hogar               | Household           | ${sector}!='' |            |                                  |                                  |          |               |
|        | integer                | rooms  | Cuartos             | Rooms               |               | . >= 1     | Al menos 1                       | At least 1                       | yes      |               |
|        | end_group              |        |                     |                     |               |            |                                  |                                  |          |               |
|        | begin_repeat           | member | Miembro             | Member              |               |            |                                  |                                  |          |               |
|        | integer                | age    | Edad                | Age                 |               |            |                                  |                                  |          |               |
|        | end_repeat             |        |                     |                     |               |            |                                  |                                  |          |               |
| choices |
|         | list_name | name    | label::Español (es) | label::English (en) | sector |
|         | sector    | S01     | Sector 1            | Sector 1            |        |
|         | grupo     | S01-G01 | Grupo 1             | Group 1             | S01    |
| settings |
|          | form_id | version | default_language |
|          | demo    | 7       | Español (es)     |
"""


@pytest.mark.outside
def test_simple_repeat_from_pyodk() -> None:
    spec = read_form(EXTERNAL / "xlsforms" / "pyodk_simple_repeat.xlsx")
    assert spec.form_id == "simple_repeat"
    assert [r.name for r in spec.repeats] == ["observation"]
    assert [q.name for q in spec.table("observation")] == ["thing", "count", "notes"]
    assert [q.name for q in spec.table(None)] == ["session_num", "today", "name", "instanceID"]
    # rows read by eye in the workbook: session_num on row 2, thing on row 7
    assert spec.question("session_num").row == 2
    assert spec.question("thing").row == 7
    assert spec.question("instanceID").path == ("meta", "instanceID")


@pytest.mark.outside
def test_nested_groups_in_a_repeat_from_liberia() -> None:
    spec = read_form(EXTERNAL / "xlsforms" / "liberiaStdForm.xlsx")
    weight = spec.question("weight")
    assert weight.path == ("repeat1", "guard1", "anthroData", "weight")
    assert weight.repeat == "repeat1"
    assert weight.required and weight.type == "decimal"
    assert weight.relevant_chain == ("position(..) <= ${repeatNum}",)
    assert spec.repeats[0].count == "${repeatNum}"
    assert spec.choice_names("oedema") == ("0", "1")


def test_bilingual_markdown_form(md_form: Callable[[str], Path]) -> None:
    spec = read_form(md_form(BILINGUAL))
    assert spec.form_id == "demo" and spec.version == "7"
    assert spec.default_language == "Español (es)"
    assert spec.languages == ("English (en)", "Español (es)")
    rooms = spec.question("rooms")
    assert rooms.path == ("hh", "rooms") and rooms.repeat is None
    assert rooms.labels == {"Español (es)": "Cuartos", "English (en)": "Rooms"}
    assert rooms.constraint_messages["English (en)"] == "At least 1"
    assert rooms.relevant_chain == ("${sector}!=''",)
    assert rooms.required and rooms.row == 5
    grupo = spec.question("grupo")
    assert grupo.choice_filter == "sector=${sector}"
    assert spec.choices["grupo"][0].extra["sector"] == "S01"
    assert spec.question("age").repeat == "member"
