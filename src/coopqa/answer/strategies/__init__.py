"""The older answerers' strategies, tried by ``answer.respond`` in turn; each to become an
operation of the engine."""
