"""Summary and overview requests, answered from the documents' own headings and lead sentences.

"Summarize the chapter in three bullet points", "What is this document about?", "Give an
overview": nothing in them names a topic, so no passage is "close" to them; the honest answer is
the documents' outline — each top section's heading and its first sentence, quoted and cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ingest.corpus import Passage, Sentence
from .synthesize import Draft, Evidence
from .wording import bullets, heading_words, join_items, quoted

# The words that ask for an outline, and the words that only frame such a request. A request
# holding any other word ("summarise the dispatch figures") is about a topic, not the document.
_ASKS = re.compile(
    r"\b(summar(?:y|ies|ise|ize|ised|ized|ising|izing)|overview|outline|gist|synopsis|recap|"
    r"(?:main|key) (?:points?|ideas?|topics?|themes?)|about|cover(?:s|ed)?|contents?)\b",
    re.IGNORECASE,
)
_FRAME = frozenset(
    """a an the this that these those it its in into of on for to me us please give provide
    can could would you write make brief briefly short quick quickly whole entire full what is
    are was does do say says tell i we with using as list few couple main key point points
    bullet bullets bulleted sentences sentence lines line items item parts part document
    documents chapter chapters report reports text texts file files paper corpus material
    overall general high level high-level short summary summaries summarise summarize
    summarised summarized overview outline gist synopsis recap idea ideas topic topics theme
    themes about cover covers covered content contents form""".split()
)
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_COUNT = re.compile(
    r"\b(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\s+(?:short\s+|brief\s+|key\s+|main\s+)?"
    r"(?:bullet(?:ed)?(?:\s+points?)?|points?|items?|sentences?|lines?|parts?|ideas?|topics?)\b",
    re.IGNORECASE,
)
_DOC_WORD = re.compile(r"\b(documents?|chapters?|reports?|files?|texts?|papers?|corpus)\b", re.I)
_PLURAL_DOCS = re.compile(r"\b(documents|chapters|reports|files|texts|papers|corpus)\b", re.I)
DEFAULT_POINTS = 5
MAX_POINTS = 10


@dataclass(frozen=True)
class Request:
    """An outline request: how many points were asked for (None: as many as there are)."""

    count: int | None = None
    all_documents: bool = False


def overview_request(question: str) -> Request | None:
    """The request, when ``question`` asks for a summary or overview of the documents as a whole
    rather than about a topic in them; None otherwise."""
    if not _ASKS.search(question):
        return None
    words = re.findall(r"[a-z][a-z'-]*|\d+", question.lower())
    rest = [w for w in words if w not in _FRAME and w not in _NUMBER_WORDS and not w.isdigit()]
    if rest:
        return None
    summary = re.search(r"summar|overview|outline|gist|synopsis|recap|main|key", question, re.I)
    if not summary and not _DOC_WORD.search(question):
        return None  # "what is it about?" asks about the last answer's subject, not the document
    m = _COUNT.search(question)
    count = None
    if m:
        word = m.group(1).lower()
        count = int(word) if word.isdigit() else _NUMBER_WORDS[word]
        count = max(1, min(count, MAX_POINTS))
    return Request(count=count, all_documents=bool(_PLURAL_DOCS.search(question)))


@dataclass
class _Part:
    path: tuple[str, ...]
    passages: list[Passage]

    @property
    def size(self) -> int:
        return sum(len(p.text) for p in self.passages)


def _parts(passages: list[Passage], depth: int) -> list[_Part]:
    """The document's sections at ``depth`` heading levels, in reading order."""
    parts: dict[tuple[str, ...], _Part] = {}
    for passage in sorted(passages, key=lambda p: p.start):
        path = tuple(s.strip() for s in passage.section.split(" > ") if s.strip())[:depth]
        parts.setdefault(path, _Part(path, [])).passages.append(passage)
    return list(parts.values())


def outline(passages: list[Passage], count: int | None) -> list[_Part]:
    """The sections to summarise: the top ones, or one level deeper when there are fewer top
    sections than points asked for; the largest when there are more, kept in reading order."""
    wanted = count or DEFAULT_POINTS
    parts = _parts(passages, 1)
    if count and len(parts) < count:
        deeper = _parts(passages, 2)
        if len(deeper) > len(parts):
            parts = deeper
    if len(parts) > wanted:  # the opening part, then the largest ones
        keep = [parts[0], *sorted(parts[1:], key=lambda p: -p.size)[: wanted - 1]]
        parts = [p for p in parts if p in keep]
    return parts


def _lead(part: _Part) -> tuple[Passage, Sentence] | None:
    """The part's first sentence: of a passage right under its heading, else of its first one."""
    texts = [p for p in part.passages if p.sentences and p.kind != "table"]
    direct = [p for p in texts if len(p.section.split(" > ")) == len(part.path)]
    chosen = (direct or texts or [None])[0]
    return (chosen, chosen.sentences[0]) if chosen else None


def _subheadings(part: _Part) -> list[str]:
    depth = len(part.path)
    subs = [
        heading_words(p.section.split(" > ")[depth])
        for p in part.passages
        if len(p.section.split(" > ")) > depth
    ]
    return list(dict.fromkeys(s for s in subs if s))


def _cite(
    evidence: Evidence, passage: Passage, sentence: Sentence, quotes: dict[int, Sentence]
) -> int:
    for n, p in enumerate(evidence.passages, 1):
        if p.passage_id == passage.passage_id and n not in quotes:
            quotes[n] = sentence
            return n
    evidence.passages.append(passage)
    quotes[len(evidence.passages)] = sentence
    return len(evidence.passages)


def _title(part: _Part) -> str:
    """A document's title: its first heading, else its name."""
    for passage in sorted(part.passages, key=lambda p: p.start):
        top = passage.section.split(" > ")[0].strip()
        if top:
            return heading_words(top)
    return part.path[0]


def overview(evidence: Evidence, docs: list[str], request: Request) -> Draft:
    """The documents' outline as bullets: heading (its subheadings): “lead sentence” [n]."""
    library = [p for p in evidence.library if p.doc in docs]
    quotes: dict[int, Sentence] = {}
    items: list[str] = []
    if len(docs) > 1:
        groups = [[p for p in library if p.doc == d] for d in docs]
        parts = [_Part((d,), g) for d, g in zip(docs, groups, strict=True) if g]
        parts = parts[: request.count or MAX_POINTS]
        titles = {id(p): _title(p) for p in parts}
    else:
        parts = outline(library, request.count)
        titles = {id(p): heading_words(p.path[-1]) if p.path else "" for p in parts}
    for part in parts:
        lead = _lead(part)
        if lead is None:
            continue
        n = _cite(evidence, lead[0], lead[1], quotes)
        subs = _subheadings(part) if len(docs) == 1 else []
        title = titles[id(part)] + (f" ({join_items(subs)})" if subs else "")
        quote = quoted(lead[1].text, n)
        items.append(f"{title}: {quote}" if title else quote)
    if not items:
        return Draft(text="The documents have no headings or text to summarise.", abstained=True)
    if request.count and len(items) < request.count:
        head = "There are fewer parts than that; each one's heading and opening sentence:"
    else:
        head = "From the headings and the opening sentence of each part:"
    return Draft(text=f"{head} {bullets(items)}", quotes=quotes)
