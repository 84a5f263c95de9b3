"""The printable questionnaire of an XLSForm: sections from its groups, a roster grid per repeat (HTML -> PDF)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from cbms.errors import Lang
from cbms.form.document import STYLESHEET, Block, Document, Option, Settings, load_settings, outline
from cbms.form.output import Written, write_document
from cbms.form.spec import FormSpec, Question
from cbms.form.words import Worded

TEMPLATE = "paper.html.j2"
ANSWERS = {"select_one": "one_answer", "select_multiple": "all_that_apply", "integer": "write_number",
           "decimal": "write_number", "range": "write_number", "text": "write_text", "date": "write_date",
           "datetime": "write_date", "time": "write_text", "geopoint": "gps"}


@dataclass(frozen=True)
class Item:
    """A question or note as printed."""

    name: str
    number: str
    type: str
    label: str
    hint: str = ""
    note: bool = False
    required: bool = False
    instruction: Worded | None = None  # its own relevance, in words
    rule: Worded | None = None  # its constraint, in words
    message: str = ""  # the constraint message, printed when the rule could not be put into words
    filter: Worded | None = None
    answer: str = ""  # how to answer: one answer, tick all that apply, write the number...
    options: tuple[Option, ...] = ()
    columns: int = 1  # the option list in this many columns

    @property
    def unworded(self) -> bool:
        """True when its constraint or choice filter is printed as written (a roster lists them under the grid)."""
        return any(r is not None and not r.worded for r in (self.rule, self.filter))


@dataclass(frozen=True)
class Span:
    """A group over some columns of a roster panel."""

    title: str
    instructions: tuple[Worded, ...]
    width: int


@dataclass(frozen=True)
class Panel:
    """One table of a roster: at most `roster_columns` questions, with the line number first."""

    part: str
    spans: tuple[Span, ...]
    columns: tuple[Item, ...]


@dataclass(frozen=True)
class RosterNote:
    """A note inside a repeat, with the instructions of the groups it sits in (printed above the grid)."""

    item: Item
    instructions: tuple[Worded, ...]


@dataclass(frozen=True)
class Roster:
    """A repeat as a grid: one line per member, one column per question."""

    title: str
    intro: str
    count: str
    parent: str
    notes: tuple[RosterNote, ...]
    panels: tuple[Panel, ...]
    rows: int


@dataclass(frozen=True)
class Section:
    """A group (or the form's top) with its questions, or a repeat with its roster."""

    depth: int
    title: str
    instruction: Worded | None
    items: tuple[Item, ...] = ()
    roster: Roster | None = None


@dataclass
class Paper:
    """Everything the template prints, already in the document's language."""

    lang: Lang
    title: str
    kicker: str
    made_from: str
    how_to_read: str
    words: dict[str, str]
    sections: list[Section] = field(default_factory=list)


def _columns(count: int, settings: Settings) -> int:
    start = settings.layout.get("choice_columns_from", 9)
    return 1 if count < start else (2 if count < 24 else 3)


def item(doc: Document, question: Question) -> Item:
    """A question (or note) as printed."""
    rule = doc.constraint(question)
    options = tuple(doc.options(question)) if question.list_name else ()
    return Item(
        name=question.name, number=doc.number(question), type=question.type, label=doc.label(question),
        hint=doc.text(question.hints), note=question.type == "note", required=question.required,
        instruction=doc.relevance(question.relevant, question.name, question.row), rule=rule,
        message=doc.text(question.constraint_messages) if rule is not None and not rule.worded else "",
        filter=doc.choice_filter(question),
        answer=doc.word(ANSWERS.get(question.type, "on_phone")) if question.type != "note" else "",
        options=options, columns=_columns(len(options), doc.settings))


def _shown(question: Question) -> bool:
    return question.asked or question.type == "note"


def sections(doc: Document, block: Block, depth: int = 0) -> list[Section]:
    """The sections of a block in form order: its own questions, its groups, its repeats as rosters."""
    out: list[Section] = []
    title = doc.block_title(block) if block.kind != "root" else ""
    instruction = doc.relevance(block.relevant, block.name, None)
    items: list[Item] = []

    def flush(inner: list[Section]) -> None:
        nonlocal title, instruction
        if items or (title and inner):  # a heading over nothing printed is left out
            out.append(Section(depth, title, instruction, tuple(items)))
            title, instruction = "", None
        items.clear()
        out.extend(inner)

    for entry in block.entries:
        if isinstance(entry, Block):
            flush(rosters(doc, entry, depth + 1) if entry.kind == "repeat" else sections(doc, entry, depth + 1))
        elif _shown(entry):
            items.append(item(doc, entry))
    flush([])
    return out


def rosters(doc: Document, block: Block, depth: int, parent: str = "") -> list[Section]:
    """A repeat's grid, then the grids of the repeats inside it."""
    columns: list[tuple[Item, tuple[Block, ...]]] = []
    notes: list[RosterNote] = []
    nested: list[Block] = []

    def walk(b: Block, groups: tuple[Block, ...]) -> None:
        for entry in b.entries:
            if isinstance(entry, Block):
                if entry.kind == "repeat":
                    nested.append(entry)
                else:
                    walk(entry, (*groups, entry))
            elif entry.type == "note":
                notes.append(RosterNote(item(doc, entry), _instructions(doc, groups)))
            elif entry.asked:
                columns.append((item(doc, entry), groups))

    walk(block, ())
    title = doc.block_title(block)
    rows = doc.settings.layout.get("roster_rows", 10)
    most = doc.settings.layout.get("roster_columns", 8)
    parts = max(1, math.ceil(len(columns) / most))
    size = math.ceil(len(columns) / parts) if columns else 0
    panels = tuple(_panel(doc, columns[i * size:(i + 1) * size], i + 1, parts) for i in range(parts) if size)
    count = doc.repeat_count(block.name)
    roster = Roster(
        title=title, intro=doc.word("roster_intro", repeat=title, rows=rows),
        count=doc.word("roster_count", count=count) if count else "",
        parent=doc.word("roster_parent", parent=parent) if parent else "",
        notes=tuple(notes), panels=panels, rows=rows)
    out = [Section(depth, title, doc.relevance(block.relevant, block.name, None), roster=roster)]
    for inner in nested:
        out += rosters(doc, inner, depth + 1, parent=title)
    return out


def _instructions(doc: Document, groups: tuple[Block, ...]) -> tuple[Worded, ...]:
    return tuple(w for w in (doc.relevance(g.relevant, g.name, None) for g in groups) if w)


def _panel(doc: Document, columns: Sequence[tuple[Item, tuple[Block, ...]]], part: int, parts: int) -> Panel:
    spans: list[Span] = []
    previous: tuple[Block, ...] | None = None
    for _, groups in columns:
        if groups == previous:
            last = spans[-1]
            spans[-1] = Span(last.title, last.instructions, last.width + 1)
            continue
        previous = groups
        title = " › ".join(t for t in (doc.block_title(g) for g in groups) if t)
        spans.append(Span(title, _instructions(doc, groups), 1))
    return Panel(part=doc.word("roster_part", part=part, parts=parts) if parts > 1 else "",
                 spans=tuple(spans), columns=tuple(i for i, _ in columns))


def build_paper(spec: FormSpec, lang: Lang, source: Path, settings: Settings | None = None,
                today: dt.date | None = None) -> tuple[Paper, Document]:
    """The paper questionnaire's content, and the document (with its problems: rules not put into words)."""
    doc = Document(spec, lang, settings or load_settings(), source)
    date = (today or dt.date.today()).isoformat()
    paper = Paper(
        lang=lang, title=spec.title or spec.form_id, kicker=doc.word("paper_kicker"),
        made_from=doc.word("made_from", form=source.name, version=spec.version or "-", date=date),
        how_to_read=doc.word("how_to_read"), words=doc.vocab)
    paper.sections = sections(doc, outline(spec))
    return paper, doc


def render_paper(paper: Paper, folder: Path) -> str:
    """The questionnaire's HTML (what the tests read, and what WeasyPrint prints)."""
    from cbms.report.templates import environment, template_error

    try:
        return environment(folder).get_template(TEMPLATE).render(paper=paper, w=paper.words)
    except jinja2.TemplateError as exc:
        raise template_error(folder / TEMPLATE, exc) from exc


def write_paper(form: Path | str, out: Path | str, lang: Lang = "es") -> Written:
    """Write the paper questionnaire of `form` into `out`: cuestionario_<form_id>.html and .pdf."""
    from cbms.form.read import read_form

    form = Path(form)
    spec = read_form(form)
    settings = load_settings()
    paper, doc = build_paper(spec, lang, form, settings)
    html = render_paper(paper, settings.folder)
    stem = f"{doc.word('paper_file')}_{spec.form_id or form.stem}"
    files = write_document(html, Path(out), stem, settings.folder / STYLESHEET)
    return Written(files, tuple(doc.problems))
