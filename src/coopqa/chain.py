"""The answering pipeline as LangChain runnables, behind one ``Assistant`` class.

condense follow-up → hybrid retrieve → fact lookup → synthesize → verify → ``Answer``.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

from .answer import Answer
from .answer.citing import join_answers, resolve_citations, split_question, unquote_invented
from .answer.fact_ranking import dot, rank_facts
from .answer.fact_tables import FactTables, TableView, fact_text, vector_store
from .answer.followup import is_follow_up, resolve
from .answer.language import unreadable_answer
from .answer.number_checks import check_numbers, direction_query, premise_corrections
from .answer.overview import overview, overview_request
from .answer.question import read as read_question
from .answer.sentence_scores import score_sentences
from .answer.synthesize import (
    Draft,
    Evidence,
    ExtractiveSynthesizer,
    Synthesizer,
    is_numeric_question,
)
from .answer.validation import InputError, clean_history, clean_question, strip_injection
from .answer.wording import not_mentioned, source_name
from .config import Settings, offline_environment
from .ingest.corpus import Passage, doc_id_for, load_corpus
from .ingest.retrieve import SearchResult
from .ingest.text import tokenize
from .params import fitted

# A question is outside the chapter when no passage is this close to it in meaning, unless most of
# its words are the chapter's own and some passage is at least LOW_SCOPE close.
SCOPE_THRESHOLD = fitted("scope_threshold")
LOW_SCOPE = fitted("low_scope")
VOCABULARY_SHARE = fitted("vocabulary_share")
# "Which nine countries ...", "the names of the ten fellows": members of a group the text counts.
_WHICH_COUNTED = re.compile(
    r"\b(?:which|what|name|names of|list|who were)\b(?:\W+(?:are|were|the|of))*\W+"
    r"(?P<count>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|"
    r"twenty|thirty)\s+(?P<things>[a-z]+s)\b",
    re.IGNORECASE,
)
_WH_WORD = re.compile(r"\b(what|why|who|whom|which|where|how|describe|explain|tell|list)\b", re.I)
EVIDENCE_PASSAGES = fitted("evidence_passages")
# A new ingest is answered from at most this long after it moved the index's pointer.
POINTER_CHECK_SECONDS = 0.5
# A question with no question word ("returns in FY2012?") is numeric when a fact fits this well.
TERSE_FACT_SCORE = fitted("terse_fact_score")
FACT_VECTORS_FILE = "fact-vectors.npz"  # the reviewed table's vectors, by text digest
SENTENCE_VECTORS_FILE = "sentence-vectors.npz"  # a small corpus's sentence vectors, by digest


class Assistant:
    """One per process: loads the model, the index and the fact table once; ``ask`` is thread-safe."""

    def __init__(
        self, settings: Settings, *, synthesizer: Synthesizer | None = None, embedder: Any = None
    ) -> None:
        offline_environment()
        from .facts import store
        from .ingest import glossary
        from .ingest.embeddings import MiniLMEmbeddings, TutorialEmbeddings
        from .ingest.index import PassageIndex

        # Synonyms for these documents, if they have any: beside the corpus or the reviewed table.
        self._glossary = glossary.beside([*settings.corpus_dirs, Path(settings.facts_path).parent])
        glossary.activate(self._glossary)
        self.settings = settings
        naive = settings.retrieval_mode == "naive"
        self.embedder = embedder or (TutorialEmbeddings() if naive else MiniLMEmbeddings())
        self.index = PassageIndex.open(settings, self.embedder, store)
        if self.index.active_name() is None and not naive:  # the baseline never reads the index
            self.ensure_index()
        self.corpus = load_corpus(settings.corpus_dirs) if naive else None
        self.facts = self._load_facts() if settings.use_facts else None
        self.synthesizer = synthesizer or _synthesizer_for(settings)
        self._reviewed = self._reviewed_view()
        self._reload_lock = threading.Lock()
        self._load_passages()
        self._chain = self._build_chain()

    def _load_passages(self) -> None:
        """Searcher, passages and their vectors for the index's active collection."""
        from .ingest.index import switches as index_switches
        from .ingest.precomputed import SentenceVectors
        from .ingest.retrieve import HybridSearcher, NaiveSearcher, PassageRetriever, vocabulary

        naive = self.settings.retrieval_mode == "naive"
        if naive:
            self.searcher: Any = NaiveSearcher(self.corpus, self.embedder)
        else:
            self.searcher = HybridSearcher(self.index, self.settings.retrieval_mode)
        self._loaded = None if naive else self.searcher.name
        self._checked = time.monotonic()
        self._switches = index_switches()
        self.retriever = PassageRetriever(searcher=self.searcher, k=self.settings.top_k)
        self._passages = {p.passage_id: p for p in self.searcher.passages}
        self._stores: dict[str, Any] = {}  # each document's operands, built at its first question
        self._subjects: dict[str, frozenset[str]] = {}  # each document's own organisation's names
        self._sentence_vectors = SentenceVectors(self.embedder)
        if not naive:  # a small corpus's sentences ready now, a large one's at first need
            self._sentence_vectors.warm(
                list(self._passages.values()), self.settings.data_dir / SENTENCE_VECTORS_FILE
            )
        self._passage_vectors = {} if naive else self.searcher.passage_vectors()
        self._vocabulary = vocabulary(self.searcher)
        self._extracted = {} if naive else self.index.facts()
        self.tables = FactTables(
            self._reviewed,
            self._passages.values(),
            self._extracted,
            vector_store(self.settings.data_dir, self.embedder),
            narrative_lookup=self.settings.use_facts and not naive,
        )

    def _refresh(self) -> None:
        """After `coopqa ingest` moved the index on, answer from the new collection (and with
        this Assistant's own glossary, should another in the process have activated its own)."""
        from .ingest.glossary import activate
        from .ingest.index import switches as index_switches

        activate(self._glossary)
        now = time.monotonic()  # the pointer is a Chroma read: once per interval, not per question
        moved_here = index_switches() != self._switches  # an ingest in this process: at once
        if self._loaded is None or not moved_here and now - self._checked < POINTER_CHECK_SECONDS:
            return
        self._checked, self._switches = now, index_switches()
        if self.index.active_name() != self._loaded:
            with self._reload_lock:
                if self.index.active_name() != self._loaded:
                    self._load_passages()

    # -- set-up ------------------------------------------------------------------------------------
    def ensure_index(self) -> None:
        corpus = load_corpus(self.settings.corpus_dirs)
        self.index.ingest(corpus)

    def _load_facts(self) -> Any | None:
        path = Path(self.settings.facts_path)
        if not path.exists():
            return None
        from .facts import load_fact_table
        from .facts.overlay import read_rows

        # Only the documents the reviewed rows quote are read again (to check their quotes).
        rows, problems = read_rows(path)
        named = {f.doc for f in rows} if rows and not problems else None
        corpus = self.corpus or load_corpus(self.settings.corpus_dirs, only=named)
        return load_fact_table(path, corpus)

    def _reviewed_view(self) -> TableView | None:
        """The reviewed table with its facts' vectors (kept in the data dir by text digest)."""
        if self.facts is None:
            return None
        from .ingest.precomputed import cached_vectors

        facts = list(self.facts.facts)
        path = self.settings.data_dir / FACT_VECTORS_FILE
        vectors = cached_vectors(path, [fact_text(f) for f in facts], self.embedder)
        docs = frozenset(f.doc for f in self.facts.stated)
        return TableView(
            self.facts, dict(zip([f.id for f in facts], vectors, strict=True)), True, docs
        )

    @property
    def _steps(self) -> tuple[Any, ...]:
        return (
            self._step_condense,
            self._step_retrieve,
            self._step_facts,
            self._step_synthesize,
            self._step_verify,
        )

    def _build_chain(self) -> Any:
        from langchain_core.runnables import RunnableLambda

        condense, retrieve, facts, synthesize, verify = self._steps
        return (
            RunnableLambda(condense, name="condense")
            | RunnableLambda(retrieve, name="retrieve")
            | RunnableLambda(facts, name="facts")
            | RunnableLambda(synthesize, name="synthesize")
            | RunnableLambda(verify, name="verify")
        )

    # -- public API --------------------------------------------------------------------------------
    def passage(self, passage_id: str) -> Passage | None:
        return self._passages.get(passage_id)

    def search(
        self, question: str, k: int = 5, history: Any = None, docs: Any = None
    ) -> list[SearchResult]:
        question = clean_question(question)
        self._refresh()
        query = resolve(strip_injection(question)[0], clean_history(history)).search
        return self.searcher.search(query, k, self._scope(docs))

    @property
    def documents(self) -> list[str]:
        """The ids of the documents in the index, in order."""
        return list(dict.fromkeys(p.doc for p in self._passages.values()))

    def _scope(self, docs: Any) -> frozenset[str] | None:
        """The documents a question is limited to (None: all); InputError for unknown names."""
        if not docs:
            return None
        if isinstance(docs, str) or not all(isinstance(d, str) for d in docs):
            raise InputError("docs must be a list of document names")
        known = self.documents
        wanted = set()
        for name in docs:
            doc = doc_id_for(Path(name.strip()))
            if doc not in known:
                raise InputError(
                    f"unknown document {name!r}; the index holds: {', '.join(known) or 'none'}"
                )
            wanted.add(doc)
        return frozenset(wanted)

    def gather(self, question: str, history: Any = None, docs: Any = None) -> Evidence:
        """The evidence a synthesizer would get for this question, without synthesizing."""
        state = self._start(question, history, docs)
        for step in (self._step_condense, self._step_retrieve, self._step_facts):
            state = step(state)
        return self._evidence(state)

    def _start(self, question: str, history: Any, docs: Any = None) -> dict[str, Any]:
        self._refresh()
        return {
            "question": clean_question(question),
            "history": clean_history(history),
            "docs": self._scope(docs),
            "timings": {},
            "started": time.perf_counter(),
        }

    def ask(self, question: str, history: Any = None, docs: Any = None) -> Answer:
        """Answer a question (with earlier turns), from ``docs`` only when given; InputError
        when the input is unusable.

        "How long did it run, and when did it start?" is answered part by part, each later part
        as a follow-up to the one before, and the parts are joined into one Answer.
        """
        first = self._start(question, history, docs)
        refused = unreadable_answer(first["question"])  # another script, or a paste: language.py
        if refused is not None:
            return refused
        parts = split_question(first["question"])
        if len(parts) == 1:
            return self._run(first)
        answers: list[Answer] = []
        turns = list(first["history"])
        for part in parts:
            answers.append(self._run(self._start(part, turns, docs)))
            turns.append({"role": "user", "content": answers[-1].resolved_question or part})
        return join_answers(first["question"], answers)

    def _run(self, state: dict[str, Any]) -> Answer:
        """The chain's steps on one question. Called directly, they skip the runnables' per-step
        config and callback set-up (about 3 ms a question); with LangSmith tracing on, the chain
        runs them so each step is traced."""
        from langsmith.utils import tracing_is_enabled

        if tracing_is_enabled():
            return self._chain.invoke(state)
        for step in self._steps:
            state = step(state)
        return state

    # -- steps -------------------------------------------------------------------------------------
    def _timed(self, state: dict[str, Any], name: str, began: float) -> None:
        state["timings"][name] = round((time.perf_counter() - began) * 1000, 2)

    def _step_condense(self, state: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        cleaned, injected = strip_injection(state["question"])
        state["injected"] = injected
        resolved = resolve(cleaned, state["history"], lambda q: self._subject_of(q, state["docs"]))
        state["resolved"], state["fact_query"] = resolved.search, resolved.facts
        condense_with_llm = getattr(self.synthesizer, "condense", None)
        if condense_with_llm and is_follow_up(cleaned, state["history"]):
            rewritten = condense_with_llm(cleaned, state["history"])  # None when the LLM fails
            if rewritten:
                state["resolved"] = state["fact_query"] = rewritten
        state["answering"] = self._without_subject(state["resolved"], state["docs"])
        self._prefetch(state)
        self._timed(state, "condense", began)
        return state

    def _without_subject(self, question: str, docs: frozenset[str] | None) -> str:
        """The question as its one document reads it: the document's own organisation named
        in it ("Boeing's revenues" of Boeing's report) as "its" (subject.py)."""
        from .answer.subject import read_by

        one = docs or frozenset(self.documents)
        if len(one) != 1 or self.settings.retrieval_mode == "naive":
            return question
        if self._reviewed is not None and one <= self._reviewed.docs:
            return question  # a reviewed table's subjects are its rows: they stay constraints
        return read_by(question, next(iter(one)), self._passages.values(), self._subjects)

    def _prefetch(self, state: dict[str, Any]) -> None:
        """Every text this question will embed, sent to the model together: one model call
        instead of one after another (the fact query of a follow-up, the premise check's)."""
        prefetch = getattr(self.embedder, "prefetch", None)
        if prefetch is None:
            return
        texts = [state["answering"]]
        if self._reviewed is not None or self.tables.may_have_narrative:
            texts += [state["fact_query"], direction_query(state["question"])]
        prefetch([t for t in texts if t])

    def _step_retrieve(self, state: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        query = state.get("answering", state["resolved"])  # the document's own name aside
        vector = self.embedder.embed_query(query)  # the question's one embedding
        results = self.searcher.search(
            query, max(self.settings.top_k, EVIDENCE_PASSAGES), state["docs"], vector=vector
        )
        state["results"] = results
        state["vector"] = vector
        state["scope"] = max(
            (dot(vector, self._passage_vector(r.passage)) for r in results), default=0.0
        )
        evidence = [r.passage for r in results[:EVIDENCE_PASSAGES]]
        state["sentence_scores"], state["sentence_similarity"] = score_sentences(
            vector, query, evidence, self._sentence_vectors.for_passages(evidence)
        )
        self._timed(state, "retrieve", began)
        return state

    def _subject_of(self, question: str, docs: frozenset[str] | None) -> str | None:
        """The programme a follow-up is about, from its best-matching fact: of the documents it is
        limited to, else of the only document or the reviewed table."""
        if not docs and len(self.documents) == 1:
            docs = frozenset(self.documents)
        view = self.tables.for_docs(docs) if docs else self._reviewed
        if view is None:
            return None
        ranked = self._rank(question, view)
        return ranked[0].fact.subject if ranked else None

    def _step_facts(self, state: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        query = state["fact_query"]
        state["facts"], state["not_stated"], state["premise"] = [], None, []
        state["premise_grounded"] = []
        state["table"] = view = self.tables.for_docs(self._answer_docs(state))
        if view is not None:
            from .facts import FactMatch

            table = view.table
            matches = table.lookup(query, k=12)
            vector = (
                self.embedder.embed_query(query) if query != state["resolved"] else state["vector"]
            )
            top_doc = state["results"][0].passage.doc if state["results"] else None
            ranked = rank_facts(query, vector, matches, view.vectors)
            # A fact answers only when the question is about its document (the best passage's).
            state["facts"] = [m for m in ranked if m.fact.doc == top_doc]
            not_stated = table.not_stated(query) if state["facts"] else None
            if not_stated is not None and not_stated.related:
                if not_stated.related[0].subject != state["facts"][0].fact.subject:
                    not_stated = None  # it judged another programme than the best-fitting fact's
            state["not_stated"] = not_stated
            grounded = premise_corrections(state["question"], table, lambda q: self._rank(q, view))
            state["premise"] = [note for note, _ in grounded]
            state["premise_grounded"] = grounded
            if grounded:
                state["not_stated"] = None  # the premise was wrong: say so, not "does not say"
            corrected = [facts[-1] for note, facts in grounded if note.startswith("It did not")]
            if corrected:  # a rise asked about as a fall: answer with the level that rose
                state["facts"] = [FactMatch(f, 1.0) for f in corrected]
        self._timed(state, "facts", began)
        return state

    def _rank(self, question: str, view: TableView) -> list[Any]:
        vector = self.embedder.embed_query(question)
        return rank_facts(question, vector, view.table.lookup(question, k=12), view.vectors)

    def _in_scope(self, question: str, similarity: float) -> bool:
        if similarity >= SCOPE_THRESHOLD:
            return True
        words = set(tokenize(question))
        known = len(words & self._vocabulary) / max(len(words), 1)
        return similarity >= LOW_SCOPE and known >= VOCABULARY_SHARE

    def _unreported(self, question: str, table: Any) -> str | None:
        """Why the chapter cannot answer: a measure it never reports, or the members of a group
        it only counts ("which nine countries")."""
        unreported = self._glossary.unreported_pattern  # the glossary beside the documents
        for m in unreported.finditer(question) if unreported else ():
            if not set(tokenize(m.group(0))) & self._vocabulary:
                return not_mentioned(source_name(table), m.group(0))
        listed = _WHICH_COUNTED.search(question)
        if listed and table is not None:
            from .facts.numbers import find_numbers

            counted = find_numbers(listed.group("count"))
            if counted and any(f.value == counted[0].value for f in table.stated):
                return (
                    f"The {table.name} gives only the number ({listed.group('count')} "
                    f"{listed.group('things')}), not which ones they were."
                )
        return None

    def _is_numeric(self, question: str, facts: list[Any]) -> bool:
        """Asks for a number: in so many words, or tersely ("returns in FY2012?") with a fact to fit."""
        if is_numeric_question(question):
            return True
        return not _WH_WORD.search(question) and bool(facts) and facts[0].score >= TERSE_FACT_SCORE

    def _evidence(self, state: dict[str, Any]) -> Evidence:
        table = state["table"].table if state["table"] else None
        return Evidence(
            question=state.get("answering", state["resolved"]),
            passages=[r.passage for r in state["results"][:EVIDENCE_PASSAGES]],
            sentence_scores=state["sentence_scores"],
            sentence_similarity=state["sentence_similarity"],
            facts=state["facts"],
            not_stated=state["not_stated"],
            premise_notes=state["premise"],
            premise_facts=[facts for _, facts in state["premise_grounded"]],
            in_scope=self._in_scope(state["resolved"], state["scope"]),
            table=table,
            numeric=self._is_numeric(state["resolved"], state["facts"]),
            unreported=self._unreported(state["question"], table),
            library=list(self._passages.values()),
        )

    def _answer_docs(self, state: dict[str, Any]) -> frozenset[str]:
        """The documents an answer comes from: the scope, else the best passage's document."""
        if state["docs"]:
            return state["docs"]
        results = state["results"]
        return frozenset([results[0].passage.doc]) if results else frozenset()

    def _step_synthesize(self, state: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        state["evidence"] = self._evidence(state)
        docs = self._answer_docs(state)
        asked = overview_request(strip_injection(state["question"])[0])
        if asked is not None:  # "Summarize the chapter": from the headings, not refused
            wanted = state["docs"] or (self.documents if asked.all_documents else docs)
            ordered = [d for d in self.documents if d in wanted]
            state["draft"] = overview(state["evidence"], ordered, asked)
            self._timed(state, "synthesize", began)
            return state
        extractive = self.synthesizer.name == "extractive"
        view = state["table"]
        evidence = state["evidence"]
        program = None
        in_scope = evidence.in_scope or read_question(evidence.question).asks_table  # any table's
        if (view is None or not view.reviewed) and in_scope:
            program = self._program(evidence, docs)  # the engine first, whatever phrases it
        general = (
            extractive and bool(docs) and view is None and self.settings.retrieval_mode != "naive"
        )
        if program is not None:
            phrase = getattr(self.synthesizer, "phrase", None)
            state["draft"] = phrase(program, evidence) if phrase else program
        elif extractive and view is not None and not view.reviewed:
            state["draft"] = self._worked_out(evidence, docs) or self.synthesizer.synthesize(
                evidence
            )
        elif general:
            from .answer.respond import out_of_scope, respond

            name = "document" if len(docs) == 1 else "documents"
            if not evidence.in_scope or not evidence.passages:
                state["draft"] = out_of_scope(self._titles(docs), name)
            else:
                state["draft"] = respond(evidence, self.tables.document_facts(docs), name)
        else:
            state["draft"] = self.synthesizer.synthesize(evidence)
        self._timed(state, "synthesize", began)
        return state

    def _program(self, evidence: Evidence, docs: frozenset[str]) -> Draft | None:
        """The answer engine's draft from the one document in scope, when it has a table row
        for the question (None: the strategies answer)."""
        naive = self.settings.retrieval_mode == "naive"
        if self.settings.engine != "program" or len(docs) != 1 or naive:
            return None
        from .answer.engine import answer

        return answer(evidence.question, self._store(next(iter(docs))), evidence)

    def _store(self, doc: str) -> Any:
        """A document's operands, built at its first question and kept."""
        from .answer.engine import Store

        if doc not in self._stores:
            self._stores[doc] = Store.of(doc, [p for p in self._passages.values() if p.doc == doc])
        return self._stores[doc]

    def _worked_out(self, evidence: Evidence, docs: frozenset[str]) -> Draft | None:
        """A sum, difference or premise the rules work out, for a question in scope that the
        lookup found no premise to correct in and nothing unreported about."""
        if not (evidence.in_scope and evidence.passages):
            return None
        if evidence.unreported or evidence.premise_notes:
            return None  # the lookup's own answer says why
        from .answer.respond import worked_out

        return worked_out(evidence, self.tables.document_facts(docs))

    def _step_verify(self, state: dict[str, Any]) -> Answer:
        began = time.perf_counter()
        draft: Draft = state["draft"]
        evidence: Evidence = state["evidence"]
        text, citations, corrections = resolve_citations(draft, evidence.passages)
        written_by_llm = draft.backend.startswith("llm")
        if written_by_llm:
            text, unquoted = unquote_invented(text, self._passages.values())
            corrections += unquoted
        cited_docs = {c.doc for c in citations} or set(self._answer_docs(state))
        # Each document's numbers are checked against its own facts only, and an LLM's are
        # corrected only from a reviewed table (an extracted one checks, it does not correct).
        view: TableView | None = state["table"]
        if view is None or not cited_docs <= view.docs:
            reviewed = self._reviewed
            view = reviewed if reviewed is not None and cited_docs <= reviewed.docs else None
        text, numbers, fixed = check_numbers(
            text,
            [c.quote for c in citations],
            view.table if view is not None else None,
            correct=written_by_llm and view is not None and view.reviewed,
            grounded=draft.grounded + state["premise_grounded"],
            question=f"{state['question']} {state['resolved']}",  # a follow-up's borrowed period
        )
        corrections += fixed
        if state.get("injected"):
            corrections.append("instructions inside the question were ignored")
        short = draft.short
        if short is None:
            numeric = self._is_numeric(state["resolved"], state["facts"])
            short = self._short(text, draft.abstained, citations, numeric, state["resolved"])
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
            short=short,
        )

    def _short(
        self, text: str, abstained: bool, citations: list[Any], numeric: bool, question: str
    ) -> str | list[str] | None:
        """The bare answer in the checked text, with the scale its first cited table states (or
        else its document)."""
        from .answer.cells import unit_scale
        from .answer.short import short_answer

        cited = [self._passages[c.passage_id] for c in citations if c.passage_id in self._passages]
        scale = ""
        if cited and cited[0].kind == "table":
            header = " ".join(s.text for s in cited[0].sentences[:4])
            scale = unit_scale(header) or self._store(cited[0].doc).scale
        quantity = not abstained and read_question(question).wants_figure
        return short_answer(text, abstained, cited, scale, numeric, question, quantity)

    def _titles(self, docs: frozenset[str]) -> list[str]:
        """Each document's headings, to say what the corpus covers."""
        titles = []
        for doc in sorted(docs):
            sections = [p.section.split(" > ")[0] for p in self._passages.values() if p.doc == doc]
            titles.append(next((s for s in sections if s), doc))
        return titles

    # -- scoring helpers -----------------------------------------------------------------------------
    def _passage_vector(self, passage: Passage) -> list[float]:
        if passage.passage_id not in self._passage_vectors:  # naive chunks are not in the index
            self._passage_vectors[passage.passage_id] = self.embedder.embed_query(passage.text)
        return self._passage_vectors[passage.passage_id]


def _synthesizer_for(settings: Settings) -> Synthesizer:
    if settings.llm:
        from .answer.llm import LLMSynthesizer

        return LLMSynthesizer.from_settings(settings)
    return ExtractiveSynthesizer()
