"""The enumerator's manual of an XLSForm: the analysts' opening chapters, then one entry per question (HTML -> PDF)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from markdown_it import MarkdownIt

from cbms.errors import Lang
from cbms.form.document import STYLESHEET, Block, Document, Option, Settings, load_settings, outline
from cbms.form.output import Written, write_document
from cbms.form.spec import FormSpec, Question
from cbms.form.words import Worded

TEMPLATE = "manual.html.j2"


@dataclass(frozen=True)
class Use:
    """An indicator that uses a question."""

    id: str
    name: str


@dataclass(frozen=True)
class Entry:
    """One question of the manual."""

    name: str
    number: str
    type: str
    label: str
    hint: str
    options: tuple[Option, ...]
    indicators: tuple[Use, ...]
    decides: str  # the questions that depend on it ("P13, P15–P20"), '' when none
    respondent: str
    when: tuple[Worded, ...]  # the relevance of its groups, then its own
    valid: tuple[Worded, ...]  # constraint, choice filter
    required: str
    on_break: tuple[str, ...]


@dataclass(frozen=True)
class Chapter:
    """A group or repeat of the form, with its questions."""

    depth: int
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Computed:
    """What the phone computes or records without asking."""

    name: str
    label: str
    how: str


@dataclass
class Manual:
    """Everything the template prints, already in the document's language."""

    lang: Lang
    title: str
    kicker: str
    made_from: str
    words: dict[str, str]
    opening: markupsafe.Markup
    chapters: list[Chapter] = field(default_factory=list)
    computed: list[Computed] = field(default_factory=list)


def indicator_uses(lang: Lang) -> dict[str, tuple[Use, ...]]:
    """Question name -> the indicators of the catalogue (pipelines/indicators) that list it in `items`."""
    from cbms.indicators.catalogue import load_catalogue

    uses: dict[str, list[Use]] = {}
    for indicator in load_catalogue().indicators:
        for item in indicator.items:
            uses.setdefault(item, []).append(Use(indicator.id, indicator.name(lang)))
    return {name: tuple(found) for name, found in uses.items()}


def respondent(doc: Document, question: Question) -> str:
    """Who answers: declared for the question, else for its level (both only for the forms they were written
    for), else the form's root or any repeat."""
    table: Mapping[str, Any] = doc.settings.respondents
    if doc.spec.form_id in (table.get("forms") or []):
        for declared in (table.get("questions") or {}).values():
            if question.name in declared.get("names", []):
                return str(declared[doc.lang])
        level = (table.get("levels") or {}).get(question.repeat or "household")
        if level is not None:
            return str(level[doc.lang])
    if question.repeat is None:
        return str(table["default"][doc.lang])
    repeat = next(r for r in doc.spec.repeats if r.name == question.repeat)
    return str(table["repeat"][doc.lang]).format(repeat=doc.text(repeat.labels) or repeat.name)


def number_ranges(doc: Document, questions: Sequence[Question]) -> str:
    """P13, P15–P20: consecutive numbers as a range."""
    numbers = sorted(doc.numbers[q.name] for q in questions if q.name in doc.numbers)
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    say = [doc.word("number", n=r[0]) if len(r) == 1 else
           f"{doc.word('number', n=r[0])}–{doc.word('number', n=r[-1])}" for r in runs]
    return ", ".join(say)


def entry(doc: Document, question: Question, groups: Sequence[Block], uses: Mapping[str, tuple[Use, ...]]) -> Entry:
    """A question's entry in the manual."""
    when = [w for w in (doc.relevance(g.relevant, g.name, None) for g in groups) if w]
    own = doc.relevance(question.relevant, question.name, question.row)
    if own is not None:
        when.append(own)
    valid = [w for w in (doc.constraint(question), doc.choice_filter(question)) if w]
    required_if = doc.required_if(question)
    if question.required:
        required = doc.word("must_answer")
    elif required_if is not None:
        required = doc.word("must_answer_if", condition=required_if.text)
    else:
        required = doc.word("optional")
    on_break: list[str] = []
    if question.constraint:
        message = doc.text(question.constraint_messages)
        on_break.append(doc.word("phone_says", message=message) if message else doc.word("phone_refuses"))
    if question.required or required_if is not None:
        message = doc.text(question.required_messages)
        if message:
            on_break.append(doc.word("phone_required", message=message))
    if not on_break:
        on_break.append(doc.word("no_rule"))
    return Entry(
        name=question.name, number=doc.number(question), type=question.type, label=doc.label(question),
        hint=doc.text(question.hints), options=tuple(doc.options(question)) if question.list_name else (),
        indicators=uses.get(question.name, ()), decides=number_ranges(doc, doc.depends_on(question)),
        respondent=respondent(doc, question), when=tuple(when), valid=tuple(valid), required=required,
        on_break=tuple(on_break))


def chapters(doc: Document, block: Block, uses: Mapping[str, tuple[Use, ...]], depth: int = 0,
             groups: tuple[Block, ...] = ()) -> list[Chapter]:
    """The chapters of a block in form order: its own questions, then each group or repeat inside it."""
    out: list[Chapter] = []
    title = doc.block_title(block) if block.kind != "root" else ""
    entries: list[Entry] = []

    def flush(inner: list[Chapter]) -> None:
        nonlocal title
        if entries or (title and inner):
            out.append(Chapter(depth, title, tuple(entries)))
            title = ""
        entries.clear()
        out.extend(inner)

    for item in block.entries:
        if isinstance(item, Block):
            flush(chapters(doc, item, uses, depth + 1, (*groups, item)))
        elif item.asked:
            entries.append(entry(doc, item, groups, uses))
    flush([])
    return out


def opening(settings: Settings, doc: Document, spec: FormSpec) -> markupsafe.Markup:
    """The analysts' opening chapters (manual.<lang>.md): jinja2 (the form's texts at hand), then markdown."""
    from cbms.report.templates import environment, template_error

    name = f"manual.{doc.lang}.md"

    def text_of(question: str) -> str:
        found = spec.get(question)
        return doc.label(found) if found is not None else ""

    try:
        markdown = environment(settings.folder).overlay(autoescape=False)  # markdown, not HTML: escaped below
        text = markdown.get_template(name).render(
            form=spec, text_of=text_of, number_of=lambda q: doc.number(spec.question(q)) if spec.get(q) else "")
    except jinja2.TemplateError as exc:
        raise template_error(settings.folder / name, exc) from exc
    # markdown-it escapes any raw HTML in the text (html=False): the chapters are text, never markup
    return markupsafe.Markup(MarkdownIt("commonmark", {"html": False}).render(text))


def build_manual(spec: FormSpec, lang: Lang, source: Path, settings: Settings | None = None,
                 today: dt.date | None = None) -> tuple[Manual, Document]:
    """The manual's content, and the document (with its problems: rules not put into words)."""
    settings = settings or load_settings()
    doc = Document(spec, lang, settings, source)
    date = (today or dt.date.today()).isoformat()
    manual = Manual(
        lang=lang, title=spec.title or spec.form_id, kicker=doc.word("manual_kicker"),
        made_from=doc.word("made_from", form=source.name, version=spec.version or "-", date=date),
        words=doc.vocab, opening=opening(settings, doc, spec))
    manual.chapters = chapters(doc, outline(spec), indicator_uses(lang))
    manual.computed = [Computed(q.name, doc.text(q.labels), q.calculation or q.type)
                       for q in spec.questions if q.stores_data and not q.asked]
    return manual, doc


def render_manual(manual: Manual, folder: Path) -> str:
    """The manual's HTML (what the tests read, and what WeasyPrint prints)."""
    from cbms.report.templates import environment, template_error

    try:
        return environment(folder).get_template(TEMPLATE).render(manual=manual, w=manual.words)
    except jinja2.TemplateError as exc:
        raise template_error(folder / TEMPLATE, exc) from exc


def write_manual(form: Path | str, out: Path | str, lang: Lang = "es") -> Written:
    """Write the enumerator's manual of `form` into `out`: manual_<form_id>.html and .pdf."""
    from cbms.form.read import read_form

    form = Path(form)
    spec = read_form(form)
    settings = load_settings()
    manual, doc = build_manual(spec, lang, form, settings)
    html = render_manual(manual, settings.folder)
    stem = f"{doc.word('manual_file')}_{spec.form_id or form.stem}"
    files = write_document(html, Path(out), stem, settings.folder / STYLESHEET)
    return Written(files, tuple(doc.problems))
