"""Every message a person reads has its Chinese translation (Chinese is the default
language, English the source): the messages of the code and templates as
``makemessages`` finds them today are all translated in the catalogue, none fuzzy; the
compiled catalogue (.mo) is the one the .po gives; and no ``gettext`` call hides inside
an f-string, where ``makemessages`` cannot see it (write ``_("... %(x)s") % {...}``).

Plain Python and Django: the .po is read here, the .mo by the standard ``gettext``."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

BASE = Path(settings.BASE_DIR)
LOCALE = BASE / "locale"
CHINESE = LOCALE / "zh_Hans" / "LC_MESSAGES"
# What makemessages reads (the project's own code and templates) and what it does not.
NOT_SOURCE = {".venv", "bench", "var", "locale", "docs", "static", "node_modules", "deploy"}


# --- Reading a .po file ---------------------------------------------------------------


class Entry:
    def __init__(self) -> None:
        self.context: str | None = None
        self.msgid = ""
        self.plural: str | None = None
        self.msgstr: dict[int, str] = {}
        self.flags: set[str] = set()
        self.places: list[str] = []
        self.previous = False  # "#| " lines: the old msgid of a fuzzy match

    @property
    def key(self) -> str:
        return f"{self.context}\x04{self.msgid}" if self.context is not None else self.msgid

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    def __repr__(self) -> str:
        return f"{self.msgid!r} ({', '.join(self.places[:2]) or 'no place'})"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def po_entries(text: str) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", included; obsolete ones left out)."""
    entries: list[Entry] = []
    entry, field = Entry(), ""

    def finish() -> None:
        nonlocal entry, field
        if entry.msgstr:
            entries.append(entry)
        entry, field = Entry(), ""

    for line in text.splitlines():
        line = line.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if entry.msgstr:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            if entry.msgstr:
                finish()
            entry.places += line[2:].split()
        elif line.startswith("#|"):
            entry.previous = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if field == "msgctxt":
                entry.context = (entry.context or "") + value
            elif field == "msgid":
                entry.msgid += value
            elif field == "msgid_plural":
                entry.plural = (entry.plural or "") + value
            elif field.startswith("msgstr"):
                index = int(field[7:-1]) if "[" in field else 0
                entry.msgstr[index] += value
        else:
            keyword, _space, value = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                finish()
            field = keyword
            if keyword == "msgctxt":
                entry.context = _unquote(value)
            elif keyword == "msgid":
                entry.msgid = _unquote(value)
            elif keyword == "msgid_plural":
                entry.plural = _unquote(value)
            elif keyword.startswith("msgstr"):
                entry.msgstr[int(keyword[7:-1]) if "[" in keyword else 0] = _unquote(value)
    finish()
    return entries


def problems(entries: list[Entry]) -> list[str]:
    """Messages without a translation, fuzzy ones and stray old msgids ("#| ")."""
    out = []
    for e in entries:
        if e.msgid == "":  # the header
            if "fuzzy" in e.flags:
                out.append("the header is fuzzy")
            continue
        if "fuzzy" in e.flags:
            out.append(f"fuzzy: {e!r}")
        elif not e.translated:
            out.append(f"not translated: {e!r}")
        if e.previous:
            out.append(f"a stray '#| ' line at {e!r}")
    return out


def test_the_reading_of_a_po_file_finds_what_is_missing():
    """The check itself: an untranslated, a fuzzy and a plural entry without its form."""
    po = (
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py:1\nmsgid "Done"\nmsgstr "完成"\n\n'
        '#: a.py:2\nmsgid "Not yet"\nmsgstr ""\n\n'
        '#: a.py:3\n#, fuzzy, python-format\n#| msgid "Old %(n)s"\nmsgid "New %(n)s"\nmsgstr "旧 %(n)s"\n\n'
        '#: a.py:4\nmsgctxt "menu"\nmsgid "One"\nmsgid_plural "Many"\nmsgstr[0] ""\n\n'
        '#: a.py:5\nmsgid ""\n"A long "\n"line"\nmsgstr ""\n"一段"\n"长句"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "已删"\n'
    )
    entries = po_entries(po)
    assert [e.msgid for e in entries] == ["", "Done", "Not yet", "New %(n)s", "One", "A long line"]
    assert entries[4].key == "menu\x04One" and entries[5].msgstr == {0: "一段长句"}
    assert problems(entries) == [
        "not translated: 'Not yet' (a.py:2)",
        "fuzzy: 'New %(n)s' (a.py:3)",
        "a stray '#| ' line at 'New %(n)s' (a.py:3)",
        "not translated: 'One' (a.py:4)",
    ]


# --- The catalogue against the code ----------------------------------------------------


def test_every_message_of_the_code_and_templates_has_a_chinese_translation(tmp_path, settings, monkeypatch):
    """makemessages run over the project into a copy of the catalogue: every message it
    finds is translated there, none fuzzy (a new message, or one whose words changed,
    comes in untranslated or as a fuzzy guess)."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext is not installed; CI never skips the translation check.")
        pytest.skip("the translation check needs GNU gettext (apt-get install gettext)")
    project = tmp_path / "project"  # a copy: makemessages writes beside each template it reads
    for path in source_files((".py", ".html", ".txt")):
        target = project / path.relative_to(BASE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    copy = project / "locale" / "zh_Hans" / "LC_MESSAGES"
    copy.mkdir(parents=True)
    shutil.copy(CHINESE / "django.po", copy / "django.po")
    settings.LOCALE_PATHS = [str(project / "locale")]
    monkeypatch.chdir(project)
    call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    found = problems(po_entries((copy / "django.po").read_text(encoding="utf-8")))
    assert not found, (
        "Translate these in locale/zh_Hans/LC_MESSAGES/django.po (manage.py makemessages -l zh_Hans "
        "--ignore=.venv --ignore=bench --no-obsolete, then compilemessages):\n" + "\n".join(found)
    )


def test_the_chinese_catalogue_has_no_fuzzy_or_untranslated_entry():
    assert problems(po_entries((CHINESE / "django.po").read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("language", sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES/django.po").exists()))
def test_the_compiled_catalogue_is_the_one_the_po_gives(language):
    """The .mo the site reads holds exactly the .po's translations (compilemessages was
    run after the last edit)."""
    folder = LOCALE / language / "LC_MESSAGES"
    expected: dict[object, str] = {}
    for e in po_entries((folder / "django.po").read_text(encoding="utf-8")):
        if e.msgid == "" or "fuzzy" in e.flags or not e.translated:
            continue  # msgfmt leaves these out
        if e.plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, n): text for n, text in e.msgstr.items()})
    with (folder / "django.mo").open("rb") as mo:
        compiled = {k: v for k, v in gettext.GNUTranslations(mo)._catalog.items() if k != ""}  # type: ignore[attr-defined]
    missing = sorted(str(k) for k in expected.keys() - compiled.keys())
    extra = sorted(str(k) for k in compiled.keys() - expected.keys())
    changed = sorted(str(k) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert not (missing or extra or changed), (
        f"{language}: django.mo is not compiled from django.po (manage.py compilemessages --ignore=.venv): "
        f"missing {missing[:10]}, extra {extra[:10]}, different {changed[:10]}"
    )


# --- No gettext inside an f-string ------------------------------------------------------

GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def gettext_in_fstrings(source: str) -> list[int]:
    """The lines where an f-string holds a call to gettext (under any name it was
    imported as from django.utils.translation)."""
    tree = ast.parse(source)
    names = set(GETTEXT)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            names |= {alias.asname for alias in node.names if alias.asname and alias.name in GETTEXT}
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    func = inner.func
                    name = (
                        func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                    )
                    if name in names:
                        lines.add(inner.lineno)
    return sorted(lines)


def source_files(endings: tuple[str, ...]) -> list[Path]:
    """The project's own files with these endings (not the ones makemessages leaves for
    a moment beside a template it reads, ``name.html.py``)."""
    out = []
    for folder, dirs, files in os.walk(BASE):
        dirs[:] = [d for d in dirs if d not in NOT_SOURCE and not d.startswith(".")]
        out += [Path(folder, f) for f in files if f.endswith(endings) and not f.endswith((".html.py", ".txt.py"))]
    return out


def test_the_scan_finds_gettext_inside_an_fstring():
    source = (
        "from django.utils.translation import gettext_lazy as say\n"
        "from django.utils import translation\n"
        "a = f\"{user} · {_('on duty')}\"\n"
        'b = _("%(n)s open") % {"n": 1}\n'
        "c = f\"{n} {say('x')!s:>4}\"\n"
        "d = f\"{translation.ngettext('a', 'b', n)}\"\n"
        "e = f\"{'ok'.upper()}\"\n"
    )
    assert gettext_in_fstrings(source) == [3, 5, 6]


def test_no_gettext_inside_an_fstring():
    found = [
        f"{path.relative_to(BASE)}:{line}"
        for path in source_files((".py",))
        for line in gettext_in_fstrings(path.read_text(encoding="utf-8"))
    ]
    assert not found, "makemessages cannot see these; write _('... %(x)s') % {...}:\n" + "\n".join(found)
