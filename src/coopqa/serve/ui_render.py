"""Pure HTML rendering of answers for the chat: escaped text, chips, number marks, highlights.

Nothing here imports Gradio; every function takes an ``Answer`` (or plain data) and returns text.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..answer import Answer, CheckedNumber, Citation
from ..answer.validation import plain_markup
from ..facts.numbers import TIME_KINDS

NUMBER_MARKS = {
    "verified": ("✓", "verified: matches the fact table or a cited quote"),
    "derived": ("Σ", "derived: computed from stated facts"),
    "unverified": ("?", "unverified: not found in the fact table or the cited quotes"),
    "contradicted": ("✗", "contradicted: the report states a different value"),
}
STREAM_CHUNKS = 24
SECTION_LABEL_CHARS = 60
_MARKER = re.compile(r"\[(\d{1,3})\]")
_NUMBER_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?")
_WORD = re.compile(r"[a-z]{4,}")
# "Full Name Of Body (FNOB)": capitalised words (small joining words allowed) before a bracket.
_DEFINITION = re.compile(
    r"((?:[A-Z][\w'’.-]*\s+(?:(?:of|the|and|for|on|in|to|de)\s+)*){1,12})\(([A-Z][A-Za-z&]{1,9})\)"
)


def esc(text: str) -> str:
    """HTML-escape user or corpus text so nothing in it is ever interpreted as markup."""
    return html.escape(text, quote=True)


def render_question_html(question: str) -> str:
    """The user's message exactly as typed, as text."""
    return f'<div class="coop-question">{esc(question)}</div>'


def render_partial_html(text: str) -> str:
    """A streamed prefix of the (already verified) answer, as plain text."""
    return f'<div class="coop-answer coop-streaming">{esc(text)}</div>'


def md_escape(text: str) -> str:
    """Text shown literally inside Markdown (titles and headings of documents)."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def render_welcome(documents: Sequence[tuple[str, str]], limit: int = 6) -> str:
    """The empty chat's Markdown: what it answers from, each document by title with one line."""
    lines = [
        "**Ask about these documents.** Each answer cites its passages and checks its numbers."
    ]
    for title, covers in documents[:limit]:
        lines.append(f"- **{md_escape(title)}**" + (f" — {md_escape(covers)}" if covers else ""))
    if len(documents) > limit:
        lines.append(f"- and {len(documents) - limit} more (see the document picker)")
    return "\n".join(lines)


def render_error_html(message: str) -> str:
    return f'<div class="coop-error"><strong>⚠</strong> {esc(message)}</div>'


# ---------------------------------------------------------------- abbreviations


def _expansion(words: list[str], abbr: str) -> str | None:
    """The shortest tail of ``words`` whose capitalised initials spell ``abbr``."""
    for i in range(len(words) - 1, -1, -1):
        if not words[i][:1].isupper():
            continue
        tail = words[i:]
        initials = "".join(
            part[0] for w in tail for part in w.split("-") if part[:1].isupper()
        ).upper()
        if initials == abbr.upper().replace("&", ""):
            return " ".join(tail)
    return None


def find_abbreviations(texts: Any) -> dict[str, str]:
    """Abbreviations the texts define, e.g. "National Personnel Authority (NPA)" → NPA."""
    found: dict[str, str] = {}
    for text in [texts] if isinstance(texts, str) else texts:
        for m in _DEFINITION.finditer(text):
            full = _expansion(m.group(1).split(), m.group(2))
            if full and m.group(2) not in found:
                found[m.group(2)] = full.rstrip(".")
    return found


def abbreviations_to_spell(text: str, known: Mapping[str, str]) -> dict[str, str]:
    """The known abbreviations used in ``text`` whose full name it does not already give."""
    return {
        a: full
        for a, full in known.items()
        if re.search(rf"\b{re.escape(a)}\b", text) and full.lower() not in text.lower()
    }


def _plain(segment: str, spell: dict[str, str]) -> str:
    """Escaped text with the first use of each abbreviation spelled out (once per answer); each
    "•" bullet of an answer starts a line."""
    out = re.sub(r"(?:^|\s+)• ", '<br class="coop-bullet">• ', esc(segment))
    for abbr in list(spell):
        pattern = re.compile(rf"\b{re.escape(esc(abbr))}\b")
        if pattern.search(out):
            full = spell.pop(abbr)
            out = pattern.sub(
                f'<abbr title="{esc(full)}">{esc(abbr)}</abbr> '
                f'<span class="coop-abbr">({esc(full)})</span>',
                out,
                count=1,
            )
    return out


# ---------------------------------------------------------------- numbers and markers


def _number_pattern(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.,])" + re.escape(text) + r"(?![\w]|[.,]\d)")


def is_year(number: CheckedNumber, text: str = "") -> bool:
    """A year such as 2012 or FY2012: shown plain, marks are for quantities."""
    digits = re.sub(r"^(?:FY|CY)", "", number.text.strip(), flags=re.IGNORECASE)
    return bool(re.fullmatch(r"(1[89]|20|21)\d\d", digits)) and float(number.value) == int(digits)


# Words that may follow a length of time that is itself the amount ("for ten months in Japan");
# any other word makes it part of a name ("the ten months programme").
_AFTER_AMOUNT = frozenset(
    """in of and or to from at for on with by the a an as each per until till before after between
    than since while when during later earlier ago long old every is was were are be been
    has had have so but then into onto within without""".split()
)


def is_label_number(kind: str, text: str, end: int) -> bool:
    """Whether a number found as ``kind`` ending at ``end`` of ``text`` says when or which, not how
    many: dates, years, fiscal years and ordinals, and a length of time naming something
    ("two-week", "the ten months programme")."""
    if kind in TIME_KINDS or kind in ("ordinal", "label"):
        return True
    if kind != "duration":
        return False
    if "-" in text[:end].rsplit(" ", 1)[-1]:  # "a two-week course"
        return True
    following = re.match(r" ([a-z]+)\b", text[end:])
    return bool(following) and following.group(1) not in _AFTER_AMOUNT


def _kinds_at(text: str) -> dict[tuple[int, int], str]:
    """The kind of each number the reader finds in ``text``, by span."""
    from ..facts.numbers import find_numbers

    return {(m.start, m.end): m.kind for m in find_numbers(text)}


def _kind_of(kinds: dict[tuple[int, int], str], start: int, end: int) -> str | None:
    for (a, b), kind in kinds.items():
        if a <= start and end <= b:
            return kind
    return None


def answer_spans(answer: Answer) -> list[tuple[int, int, str, Any]]:
    """Non-overlapping (start, end, kind, payload) spans of citation markers and marked numbers.

    Dates, years and ordinals are left plain unless contradicted (marks are for quantities); a
    payload of a "cite" span is (n, k): the k-th marker of citation n, so each marker can
    highlight its own claim.
    """
    text = answer.answer
    kinds = _kinds_at(text) if answer.numbers else {}
    known = {c.n for c in answer.citations}
    spans: list[tuple[int, int, str, Any]] = []
    seen: dict[int, int] = {}
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if n in known:
            spans.append((m.start(), m.end(), "cite", (n, seen.get(n, 0))))
            seen[n] = seen.get(n, 0) + 1
    taken = [(s, e) for s, e, _, _ in spans]
    pos = 0
    for number in answer.numbers:
        if not number.text:
            continue
        found = None
        for m in _number_pattern(number.text).finditer(text, pos):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                found = m
                break
        if found is None:
            continue
        taken.append((found.start(), found.end()))
        pos = found.end()
        kind = _kind_of(kinds, found.start(), found.end())
        plain = is_year(number) or (kind is not None and is_label_number(kind, text, found.end()))
        if plain and number.status != "contradicted":
            continue
        spans.append((found.start(), found.end(), "number", number))
    return sorted(spans, key=lambda s: s[0])


def short_section(section: str, limit: int = SECTION_LABEL_CHARS) -> str:
    """The last heading of a section path, cut to ``limit`` characters."""
    last = (section or "").split(" > ")[-1].strip() or "(no heading)"
    return last if len(last) <= limit else last[: limit - 1].rsplit(" ", 1)[0] + "…"


def cite_value(answer_id: str, n: int, k: int) -> str:
    """The value of the source chip for the k-th marker of citation n in one answer."""
    return f"{answer_id}:{n}:{k}"


def render_answer_body(
    answer: Answer, answer_id: str, abbreviations: Mapping[str, str] | None = None
) -> str:
    """Escaped answer text: [n] markers as chips, quantities with their check mark."""
    text = answer.answer
    spell = abbreviations_to_spell(text, abbreviations or {})
    out: list[str] = []
    pos = 0
    for start, end, kind, payload in answer_spans(answer):
        out.append(_plain(text[pos:start], spell))
        if kind == "cite":
            n, k = payload
            cite = next(c for c in answer.citations if c.n == n)
            title = f"{short_section(cite.section)} · page {cite.page}"
            where = f": {short_section(cite.section)}, page {cite.page}"
            out.append(  # named "Source 1: section, page 2" for a screen reader; shows "1"
                f'<a class="coop-cite" href="#coop-cite-{answer_id}-{n}-{k}" '
                f'title="{esc(title)}"><span class="coop-sr">Source </span>{n}'
                f'<span class="coop-sr">{esc(where)}</span></a>'
            )
        else:
            mark, meaning = NUMBER_MARKS.get(payload.status, ("?", payload.status))
            out.append(
                f'<span class="coop-num coop-num-{esc(payload.status)}" title="{esc(meaning)}">'
                f"{esc(text[start:end])}<sup>{mark}</sup></span>"
            )
        pos = end
    out.append(_plain(text[pos:], spell))
    return "".join(out)


def render_answer_html(
    answer: Answer,
    answer_id: str,
    abbreviations: Mapping[str, str] | None = None,
    follow_up: bool = True,
    streaming: bool = False,
) -> str:
    """The final answer message, carrying its id; a follow-up shows how it was understood.
    ``streaming`` marks a prefix of it, rendered the same way while it streams in."""
    body = render_answer_body(answer, answer_id, abbreviations)
    notes = "".join(
        f'<div class="coop-correction"><strong>Correction:</strong> {esc(c)}</div>'
        for c in answer.corrections
    )
    resolved = plain_markup(answer.resolved_question or "")
    if follow_up and resolved and resolved != plain_markup(answer.question):
        notes = f'<div class="coop-understood">Understood as: {esc(resolved)}</div>' + notes
    more = " coop-streaming" if streaming else ""
    if answer.abstained:
        return (
            f'<div class="coop-abstain{more} coop-aid-{answer_id}">{notes}'
            '<span class="coop-abstain-title">ⓘ Not answered by the documents</span>'
            f"{body}</div>"
        )
    return f'<div class="coop-answer{more} coop-aid-{answer_id}">{notes}{body}</div>'


def render_streaming_html(
    answer: Answer,
    prefix: str,
    abbreviations: Mapping[str, str] | None = None,
    follow_up: bool = True,
) -> str:
    """A prefix of the checked answer as it will look when complete: chips, marks and bullets
    already rendered, never raw "[1]" markers; it carries no answer id, so nothing rates it."""
    partial = dataclasses.replace(answer, answer=prefix)
    return render_answer_html(partial, "streaming", abbreviations, follow_up, streaming=True)


def stream_prefixes(text: str, chunks: int = STREAM_CHUNKS) -> Iterator[str]:
    """Growing prefixes of ``text`` cut at word boundaries, about ``chunks`` of them."""
    words = re.findall(r"\S+\s*", text)
    step = max(1, -(-len(words) // max(1, chunks)))
    for i in range(step, len(words), step):
        yield "".join(words[:i])
    yield text


# ---------------------------------------------------------------- claims and their sentences


def claims(answer: Answer) -> dict[tuple[int, int], str]:
    """The claim each marker stands behind: the answer text since the previous marker."""
    out: dict[tuple[int, int], str] = {}
    prev_end, prev_claim = 0, ""
    for start, end, kind, payload in answer_spans(answer):
        if kind != "cite":
            continue
        claim = answer.answer[prev_end:start].strip(" ;,")
        if not re.search(r"\w", claim):  # "[1][2]": both stand behind the same words
            claim = prev_claim
        out[payload] = claim
        prev_end, prev_claim = end, claim
    return out


def chip_choices(answer: Answer | None, answer_id: str) -> list[tuple[str, str]]:
    """(label, value) of one source chip per marker, naming the section and page."""
    if answer is None:
        return []
    by_n = {c.n: c for c in answer.citations}
    keys = list(claims(answer)) or [(c.n, 0) for c in answer.citations]
    counts = {n: sum(1 for m, _ in keys if m == n) for n, _ in keys}
    choices = []
    for n, k in keys:
        cite = by_n[n]
        tag = f"[{n}]" if counts[n] == 1 else f"[{n}·{k + 1}]"
        label = f"{tag} {short_section(cite.section)} · p. {cite.page}"
        choices.append((label, cite_value(answer_id, n, k)))
    return choices


def _numbers(text: str) -> set[str]:
    return {t.replace(",", "") for t in _NUMBER_TOKEN.findall(text)}


def claim_sentence(claim: str, passage: Any, cite: Citation) -> tuple[int, int]:
    """Document span of the passage sentence behind ``claim``; the citation's quote by default.

    A sentence wins on the claim's numbers first, then on shared words; the quote wins ties.
    """
    sentences = list(getattr(passage, "sentences", None) or [])
    if not claim or not sentences:
        return cite.start, cite.end
    numbers, words = _numbers(claim), set(_WORD.findall(claim.lower()))

    def score(start: int, end: int, text: str) -> tuple[int, int, int]:
        inside = cite.start <= start < cite.end or start <= cite.start < end
        shared = len(words & set(_WORD.findall(text.lower())))
        return len(numbers & _numbers(text)), shared, int(inside)

    best = max(sentences, key=lambda s: score(s.start, s.end, s.text))
    if score(best.start, best.end, best.text)[:2] <= score(cite.start, cite.end, cite.quote)[:2]:
        return cite.start, cite.end
    return best.start, best.end


def locate_quote(text: str, quote: str, near: int | None = None) -> tuple[int, int] | None:
    """Span of ``quote`` in ``text`` allowing any whitespace between words; nearest to ``near``."""
    words = quote.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    matches = list(pattern.finditer(text))
    if not matches:
        pattern = re.compile(pattern.pattern, re.IGNORECASE)
        matches = list(pattern.finditer(text))
    if not matches:
        return None
    best = min(matches, key=lambda m: abs(m.start() - near) if near is not None else 0)
    return best.start(), best.end()


def render_passage_html(
    citation: Citation,
    passage: Any | None,
    span: tuple[int, int] | None = None,
    title: str | None = None,
) -> str:
    """The cited passage with the claim's sentence (default: the quote) in <mark>, headed by its
    document's title."""
    head = (
        '<div class="coop-passage-head">'
        '<button class="coop-sheet-close" type="button" aria-label="Close sources">✕</button>'
        f"<strong>[{citation.n}]</strong> "
        f'<span class="coop-section">{esc(citation.section or "(no heading)")}</span> · '
        f'<span class="coop-page">page {citation.page}</span> · '
        f'<span class="coop-doc">{esc(title or citation.doc)}</span></div>'
    )
    text = getattr(passage, "text", None) or citation.quote
    if passage is not None and span is not None and span != (citation.start, citation.end):
        a, b = span[0] - passage.start, span[1] - passage.start
        found = (a, b) if 0 <= a < b <= len(text) else None
    else:
        near = citation.start - passage.start if passage is not None else None
        found = locate_quote(text, citation.quote, near)
    if found is None:
        body = f"{esc(text)}<p><em>Quoted:</em> <mark>{esc(citation.quote)}</mark></p>"
    else:
        a, b = found
        body = f"{esc(text[:a])}<mark>{esc(text[a:b])}</mark>{esc(text[b:])}"
    return (
        f'<div class="coop-passage" data-passage="{esc(citation.passage_id)}">{head}'
        f'<div class="coop-passage-text">{body}</div></div>'
    )
