"""The answering pipeline as LangChain runnables, behind one ``Assistant`` class.

condense follow-up → hybrid retrieve → fact lookup → synthesize → verify → ``Answer``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from .answer import Answer, Citation
from .config import Settings, offline_environment
from .corpus import Passage, Sentence, load_corpus
from .retrieve import SearchResult, tokenize
from .synthesize import Draft, Evidence, ExtractiveSynthesizer, Synthesizer, phrase
from .validation import clean_history, clean_question

# Below this cosine similarity to every passage, a question is taken to be outside the chapter.
SCOPE_THRESHOLD = 0.28
EVIDENCE_PASSAGES = 3

_FOLLOW_UP_START = re.compile(r"^(and|also|what about|how about|then|so|but|or)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|that|this|those|these|there|then)\b", re.I)
_TIME = re.compile(
    r"\b(FY\s?\d{4}|fiscal( year)? \d{4}|(19|20)\d\d|since|started|start|began|"
    r"total|cumulative|so far|ever|all time|history)\b",
    re.IGNORECASE,
)
_INJECTION = re.compile(
    r"(ignore|disregard|forget|override)\b[^.?!]*\b(instructions?|rules?|report|chapter|above|"
    r"previous|system|prompt)[^.?!]*[.?!]?|\b(pretend|act as|you are now|from now on)\b[^.?!]*[.?!]?|"
    r"\b(say|answer|respond|reply|state) (that|with|only)\b[^.?!]*[.?!]?",
    re.IGNORECASE,
)
_MARKER = re.compile(r"\[(\d+)\]")


def is_follow_up(question: str, history: list[dict[str, str]]) -> bool:
    if not any(t["role"] == "user" for t in history):
        return False
    words = tokenize(question)
    return (
        bool(_FOLLOW_UP_START.search(question))
        or len(words) <= 3
        or (len(words) <= 6 and bool(_PRONOUN.search(question)))
    )


def condense(question: str, history: list[dict[str, str]]) -> str:
    """A follow-up made self-contained with the last user turn; its own time frame wins."""
    if not is_follow_up(question, history):
        return question
    previous = next(t["content"] for t in reversed(history) if t["role"] == "user")
    if _TIME.search(question):
        previous = _TIME.sub(" ", previous)
    previous = " ".join(previous.split()).rstrip("?.! ")
    return f"{question.rstrip('?.! ')} — {previous}?"


def strip_injection(question: str) -> tuple[str, bool]:
    """The question without instructions aimed at the assistant; whether any were found."""
    cleaned = _INJECTION.sub(" ", question)
    cleaned = " ".join(cleaned.split())
    return (cleaned or question), cleaned != " ".join(question.split())


class Assistant:
    """One per process: loads the model, the index and the fact table once; ``ask`` is thread-safe."""

    def __init__(
        self, settings: Settings, *, synthesizer: Synthesizer | None = None, embedder: Any = None
    ) -> None:
        offline_environment()
        from .embeddings import MiniLMEmbeddings
        from .index import PassageIndex
        from .retrieve import HybridSearcher, NaiveSearcher, PassageRetriever

        self.settings = settings
        self.embedder = embedder or MiniLMEmbeddings()
        self.index = PassageIndex.open(settings, self.embedder)
        if self.index.active_name() is None:
            self.ensure_index()
        self.corpus = None
        if settings.retrieval_mode == "naive":
            self.corpus = load_corpus(settings.corpus_dirs)
            self.searcher: Any = NaiveSearcher(self.corpus, self.embedder)
        else:
            self.searcher = HybridSearcher(self.index, settings.retrieval_mode)
        self.retriever = PassageRetriever(searcher=self.searcher, k=settings.top_k)
        self.facts = self._load_facts() if settings.use_facts else None
        self.synthesizer = synthesizer or _synthesizer_for(settings)
        self._passages = {p.passage_id: p for p in getattr(self.searcher, "passages", [])}
        self._sentence_vectors = self._embed_sentences()
        self._passage_vectors = self.index.vectors() if settings.retrieval_mode != "naive" else {}
        self._chain = self._build_chain()

    # -- set-up ------------------------------------------------------------------------------------
    def ensure_index(self) -> None:
        corpus = load_corpus(self.settings.corpus_dirs)
        self.index.ingest(corpus)

    def _load_facts(self) -> Any | None:
        path = Path(self.settings.facts_path)
        if not path.exists():
            return None
        from .facts import load_fact_table

        corpus = self.corpus or load_corpus(self.settings.corpus_dirs)
        return load_fact_table(path, corpus)

    def _embed_sentences(self) -> dict[tuple[str, int], list[float]]:
        keys, texts = [], []
        for passage in self._passages.values():
            heading = passage.section.rsplit(" > ", 1)[-1]
            for i, sentence in enumerate(passage.sentences):
                keys.append((passage.passage_id, i))
                texts.append(f"{heading}. {sentence.text}")
        return dict(zip(keys, self.embedder.embed_documents(texts), strict=True)) if texts else {}

    def _build_chain(self) -> Any:
        from langchain_core.runnables import RunnableLambda

        return (
            RunnableLambda(self._step_condense, name="condense")
            | RunnableLambda(self._step_retrieve, name="retrieve")
            | RunnableLambda(self._step_facts, name="facts")
            | RunnableLambda(self._step_synthesize, name="synthesize")
            | RunnableLambda(self._step_verify, name="verify")
        )

    # -- public API --------------------------------------------------------------------------------
    def passage(self, passage_id: str) -> Passage | None:
        return self._passages.get(passage_id)

    def search(self, question: str, k: int = 5, history: Any = None) -> list[SearchResult]:
        question = clean_question(question)
        query = condense(strip_injection(question)[0], clean_history(history))
        return self.searcher.search(query, k)

    def ask(self, question: str, history: Any = None) -> Answer:
        state = {
            "question": clean_question(question),
            "history": clean_history(history),
            "timings": {},
            "started": time.perf_counter(),
        }
        answer: Answer = self._chain.invoke(state)
        return answer

    # -- steps -------------------------------------------------------------------------------------
    def _timed(self, state: dict[str, Any], name: str, began: float) -> None:
        state["timings"][name] = round((time.perf_counter() - began) * 1000, 2)

    def _step_condense(self, state: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        cleaned, injected = strip_injection(state["question"])
        state["injected"] = injected
        state["resolved"] = condense(cleaned, state["history"])
        self._timed(state, "condense", began)
        return state

    def _step_retrieve(self, state: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        query = state["resolved"]
        vector = self.embedder.embed_query(query)
        results = self.searcher.search(query, max(self.settings.top_k, EVIDENCE_PASSAGES))
        state["results"] = results
        state["scope"] = max(
            (_dot(vector, self._passage_vector(r.passage)) for r in results), default=0.0
        )
        state["sentence_scores"] = self._score_sentences(vector, query, results)
        self._timed(state, "retrieve", began)
        return state

    def _step_facts(self, state: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        query = state["resolved"]
        state["facts"], state["not_stated"], state["premise"] = [], None, []
        if self.facts is not None:
            from .facts import FactMatch

            state["facts"] = self.facts.lookup(query, k=5)
            state["not_stated"] = self.facts.not_stated(query)
            state["premise"], corrected = premise_corrections(state["question"], self.facts)
            if corrected:
                state["facts"] = [FactMatch(f, 1.0) for f in corrected]
                state["not_stated"] = None
        self._timed(state, "facts", began)
        return state

    def _step_synthesize(self, state: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        passages = [r.passage for r in state["results"][:EVIDENCE_PASSAGES]]
        evidence = Evidence(
            question=state["resolved"],
            passages=passages,
            sentence_scores=state["sentence_scores"],
            facts=state["facts"],
            not_stated=state["not_stated"],
            premise_notes=state["premise"],
            in_scope=state["scope"] >= SCOPE_THRESHOLD,
            history=state["history"],
            table=self.facts,
        )
        state["evidence"] = evidence
        state["draft"] = self.synthesizer.synthesize(evidence)
        self._timed(state, "synthesize", began)
        return state

    def _step_verify(self, state: dict[str, Any]) -> Answer:
        began = time.perf_counter()
        draft: Draft = state["draft"]
        evidence: Evidence = state["evidence"]
        text, citations, corrections = resolve_citations(draft, evidence.passages)
        numbers: list[Any] = []
        if self.facts is not None or citations:
            text, numbers, fixed = check_numbers(
                text,
                [c.quote for c in citations],
                self.facts,
                correct=draft.backend != "extractive",
            )
            corrections += fixed
        if state.get("injected"):
            corrections.append("instructions inside the question were ignored")
        self._timed(state, "verify", began)
        state["timings"]["total"] = round((time.perf_counter() - state["started"]) * 1000, 2)
        return Answer(
            question=state["question"],
            answer=text,
            abstained=draft.abstained,
            citations=citations,
            numbers=numbers,
            backend=draft.backend,
            timings_ms=state["timings"],
            corrections=corrections,
            resolved_question=state["resolved"] if state["resolved"] != state["question"] else None,
        )

    # -- scoring helpers -----------------------------------------------------------------------------
    def _passage_vector(self, passage: Passage) -> list[float]:
        if passage.passage_id not in self._passage_vectors:  # naive chunks are not in the index
            self._passage_vectors[passage.passage_id] = self.embedder.embed_query(passage.text)
        return self._passage_vectors[passage.passage_id]

    def _score_sentences(
        self, vector: list[float], query: str, results: list[SearchResult]
    ) -> dict[tuple[str, int], float]:
        words = set(tokenize(query))
        scores = {}
        for result in results[:EVIDENCE_PASSAGES]:
            passage = result.passage
            for i, sentence in enumerate(passage.sentences):
                key = (passage.passage_id, i)
                sv = self._sentence_vectors.get(key)
                dense = _dot(vector, sv) if sv is not None else 0.0
                overlap = len(words & set(tokenize(sentence.text))) / max(len(words), 1)
                scores[key] = dense + 0.3 * overlap
        return scores


def mask_markers(text: str) -> tuple[str, list[str]]:
    """Citation markers hidden from the number checker: "[2]" is a reference, not a number."""
    markers = _MARKER.findall(text)
    return _MARKER.sub("\u27e6\u27e7", text), markers


def unmask_markers(text: str, markers: list[str]) -> str:
    it = iter(markers)
    return re.sub("\u27e6\u27e7", lambda _: f"[{next(it)}]", text)


def check_numbers(
    text: str, quotes: list[str], table: Any, *, correct: bool
) -> tuple[str, list[Any], list[str]]:
    """Every number classified; contradicted ones replaced by the table's value when ``correct``."""
    from .verify import correct_number, verify_answer

    masked, markers = mask_markers(text)
    numbers = verify_answer(masked, quotes, table)
    notes = []
    wrong = [n for n in numbers if n.status == "contradicted"]
    if correct and wrong:
        for checked in wrong:
            masked = correct_number(masked, checked)
            notes.append(
                f"{checked.text} contradicted the fact table ({checked.fact_id}); "
                f"corrected to {checked.expected:g}"
            )
        numbers = verify_answer(masked, quotes, table)
    return unmask_markers(masked, markers), numbers, notes


_DIRECTIONS = {
    "decrease": "decrease",
    "decreased": "decrease",
    "decline": "decrease",
    "declined": "decrease",
    "fall": "decrease",
    "fell": "decrease",
    "drop": "decrease",
    "dropped": "decrease",
    "shrink": "decrease",
    "shrank": "decrease",
    "reduced": "decrease",
    "lower": "decrease",
    "increase": "increase",
    "increased": "increase",
    "rise": "increase",
    "rose": "increase",
    "grow": "increase",
    "grew": "increase",
    "higher": "increase",
}
_DIRECTION_WORD = re.compile(r"\b(" + "|".join(_DIRECTIONS) + r")\b", re.IGNORECASE)


def premise_corrections(question: str, table: Any) -> tuple[list[str], list[Any]]:
    """Sentences correcting a number or a direction the question takes for granted, and the facts
    the answer should then give."""
    from .verify import verify_answer

    notes: list[str] = []
    facts: list[Any] = []
    masked, _ = mask_markers(question)
    for checked in verify_answer(masked, [], table):
        if checked.status == "contradicted" and checked.fact_id:
            fact = table.get(checked.fact_id)
            notes.append(f"The chapter gives a different figure: {phrase(fact)}.")
            facts.append(fact)
    asked = _DIRECTION_WORD.search(question)
    if asked:
        direction = _DIRECTIONS[asked.group(1).lower()]
        level = table.lookup(_DIRECTION_WORD.sub(" ", question), k=1)
        change = _change_fact(table, level[0].fact) if level else None
        if change is not None and not change.measure.startswith(direction):
            verb = {"decrease": "decrease", "increase": "increase"}[direction]
            notes.append(
                f"It did not {verb}: the chapter reports {phrase(change)}, "
                f"to {phrase(level[0].fact)}."
            )
            facts.append(level[0].fact)
    return notes, facts


def _change_fact(table: Any, level: Any) -> Any | None:
    """The stated increase/decrease of a level fact, if the table has one."""
    for fact in table.facts:
        if (
            fact.subject == level.subject
            and fact.period == level.period
            and fact.measure in (f"increase in {level.measure}", f"decrease in {level.measure}")
        ):
            return fact
    return None


def resolve_citations(
    draft: Draft, passages: list[Passage]
) -> tuple[str, list[Citation], list[str]]:
    """Renumber [n] markers to citations in order of use; drop markers that point nowhere."""
    corrections: list[str] = []
    order: dict[int, int] = {}
    citations: list[Citation] = []

    def replace(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if not 1 <= n <= len(passages):
            corrections.append(f"citation [{n}] pointed at no retrieved passage and was removed")
            return ""
        if n not in order:
            passage = passages[n - 1]
            sentence = draft.quotes.get(n) or _best_sentence_for(draft.text, m.start(), passage)
            order[n] = len(order) + 1
            citations.append(
                Citation(
                    n=order[n],
                    doc=passage.doc,
                    passage_id=passage.passage_id,
                    section=passage.section,
                    page=passage.page,
                    quote=sentence.text,
                    start=sentence.start,
                    end=sentence.end,
                )
            )
        return f"[{order[n]}]"

    text = _MARKER.sub(replace, draft.text)
    return " ".join(text.split()), citations, corrections


def _best_sentence_for(text: str, position: int, passage: Passage) -> Sentence:
    """The passage sentence sharing most words with the answer sentence that cites it."""
    head = text[:position]
    sentence_start = max(head.rfind(". "), head.rfind("] "), 0)
    words = set(tokenize(text[sentence_start:position]))
    return max(passage.sentences, key=lambda s: len(words & set(tokenize(s.text))))


def _synthesizer_for(settings: Settings) -> Synthesizer:
    if settings.llm:
        from .llm import LLMSynthesizer

        return LLMSynthesizer.from_settings(settings)
    return ExtractiveSynthesizer()


def _dot(a: list[float], b: list[float]) -> float:
    return float(sum(x * y for x, y in zip(a, b, strict=False)))
