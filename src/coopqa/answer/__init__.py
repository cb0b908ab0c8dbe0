"""The answer: the one ``Answer`` type every interface returns (``model``), and the engine that
writes it — a question read once (``question``), a program of operations over the document's
operands (``operations``, ``cells``), one abstention gate (``engine``)."""

from .model import Answer, CheckedNumber, Citation, NumberStatus

__all__ = ["Answer", "CheckedNumber", "Citation", "NumberStatus"]
