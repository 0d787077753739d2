"""Jinja2 for the weekly export: one sandboxed environment per format, and errors that name the
template file and line.

HTML and Atom autoescape every value (and drop the characters XML cannot carry). Markdown has no
HTML escaping, so it gets the same guarantee another way: every ``{{ value }}`` is passed through
:func:`~.learned.md_text` (inert, one-line Markdown) unless it was made by a filter that returns
Markdown on purpose: ``verbatim`` (the user's own words, kept byte for byte), ``md_link``,
``md_url``, ``quote``, or ``safe``. A title or a sharer's name from the network therefore cannot
add markup, a link or raw HTML, even in a user's own template.

Filters and functions every template has (besides Jinja2's): ``iso``, ``day``, ``plural``,
``web_url``, ``credit`` (who brought a link, as :class:`~.learned.Words`), ``share_phrase``,
``funnel_line``, ``skim_line``, ``queue_line``, ``practice_cells``, ``entry_id``; Markdown has
``md``, ``md_link``, ``md_url``, ``verbatim``, ``quote``; HTML and Atom have ``markdown`` (a note
as sanitised HTML) and ``link``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from ..core.errors import TemplateError
from . import learned
from .learned import NOT_XML, md_text, md_url, web_url

TEMPLATES = Path(__file__).with_name("templates")
EXTENSION = ".j2"


class Md(str):
    """Markdown written on purpose (not escaped again by the Markdown environment)."""

    __slots__ = ()


def _md_finalize(value: Any) -> str:
    """Every ``{{ value }}`` in Markdown: inert text, unless made Markdown on purpose (Md)."""
    if value is None:
        return ""
    if isinstance(value, Md):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return md_text(str(value))


def _xml_finalize(value: Any) -> Any:
    """Every ``{{ value }}`` in HTML and Atom: escaped, without the characters XML cannot carry."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return Markup(NOT_XML.sub("", value))
    # Escaped here (not by autoescape) to keep a carriage return as written: a parser folds a
    # raw one into a newline.
    return Markup(str(escape(NOT_XML.sub("", str(value)))).replace("\r", "&#13;"))


def _md_link(text: Any, url: str | None) -> Md:
    return Md(learned.md_link(None if text is None else str(text), url or ""))


def _quote(text: Any) -> Md:
    """Block-quote Markdown (escape untrusted text first: ``h.text|md|quote``)."""
    body = text if isinstance(text, Md) else md_text(str(text))
    return Md("\n".join("> " + line if line else ">" for line in body.split("\n")))


def _link(text: Any, url: str | None) -> Markup:
    safe = web_url(url)
    label = "" if text is None else NOT_XML.sub("", str(text))
    if not safe:
        return escape(label)
    return Markup('<a href="{}">{}</a>').format(NOT_XML.sub("", safe), label)


def _markdown(text: Any) -> Markup:
    from .notes import note_html

    return Markup(note_html(None if text is None else str(text)))


def _common() -> dict[str, Callable[..., Any]]:
    from .learned_atom import entry_id

    return {
        "iso": learned.iso, "day": learned.day, "plural": learned.plural, "web_url": web_url,
        "credit": learned.credit, "share_phrase": learned.share_phrase,
        "applied_phrase": learned.applied_phrase,
        "funnel_line": learned.funnel_line, "skim_line": learned.skim_line,
        "queue_line": learned.queue_line, "practice_cells": learned.practice_cells,
        "entry_id": entry_id,
    }


def format_of(path: Path) -> str | None:
    """The format a template file's name says (``week.html.j2`` is html), or None."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() != EXTENSION]
    for suffix in reversed(suffixes):
        found = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
                 ".atom": "atom", ".xml": "atom"}.get(suffix)
        if found:
            return found
    return None


@lru_cache(maxsize=8)
def environment(fmt: str, user_dir: str | None = None) -> SandboxedEnvironment:
    """The sandboxed environment of ``fmt`` (md, html or atom); ``user_dir`` is searched first."""
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(user_dir))
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES)))
    markdown = fmt == "md"
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders), autoescape=not markdown, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
        finalize=_md_finalize if markdown else _xml_finalize)
    functions = _common()
    env.globals.update(functions)
    env.filters.update(functions)
    if markdown:
        md = {"md": lambda v: Md(md_text(None if v is None else str(v))), "md_link": _md_link,
              "md_url": lambda u: Md(md_url(str(u))), "verbatim": lambda v: Md("" if v is None else v),
              "safe": lambda v: Md("" if v is None else v), "quote": _quote}
        env.filters.update(md)
        env.globals.update({"md_link": _md_link})
    else:
        env.filters.update({"markdown": _markdown, "link": _link})
        env.globals.update({"link": _link})
    return env


def _where(filename: str | None) -> str:
    if not filename:
        return "template"
    path = Path(filename)
    try:
        return f"template {path.relative_to(TEMPLATES.parent.parent.parent)}"
    except ValueError:
        return f"template {path}"


def _runtime_line(exc: BaseException, filename: str) -> int | None:
    """The template line a rendering error happened on (Jinja2 maps frames to it)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render(fmt: str, name: str, context: Mapping[str, Any], *, path: Path | None = None) -> str:
    """Render the built-in template ``name`` (or the user's file ``path``) for ``fmt``."""
    try:
        if path is not None:
            path = path.expanduser().resolve()
            if not path.is_file():
                raise TemplateError(f"template {path}: no such file", filename=str(path))
            env = environment(fmt, str(path.parent))
            template = env.get_template(path.name)
        else:
            template = environment(fmt).get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        where = _where(exc.filename)
        raise TemplateError(f"{where}, line {exc.lineno}: {exc.message}",
                            filename=exc.filename, lineno=exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template {exc.name}: not found (included or extended from {name})",
                            filename=str(exc.name)) from None
    except UnicodeDecodeError as exc:
        raise TemplateError(f"template {path or name}: not UTF-8 text ({exc.reason})") from None
    filename = template.filename or name
    try:
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:  # an {% include %} that does not parse
        raise TemplateError(f"{_where(exc.filename)}, line {exc.lineno}: {exc.message}",
                            filename=exc.filename, lineno=exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"{_where(filename)}: includes {exc.name}, which is not found",
                            filename=filename) from None
    except Exception as exc:  # noqa: BLE001 - any error in a template is the template's
        line = _runtime_line(exc, filename)
        where = _where(filename) + (f", line {line}" if line else "")
        what = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        kind = "" if isinstance(exc, jinja2.UndefinedError | jinja2.TemplateError) else f"{type(exc).__name__}: "
        raise TemplateError(f"{where}: {kind}{what}", filename=filename, lineno=line) from None


__all__ = ["EXTENSION", "TEMPLATES", "Md", "environment", "format_of", "render"]
