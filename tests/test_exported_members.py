"""The public namespace is curated, sorted and cheap to import."""

import subprocess
import sys

import coopqa


def test_public_names_are_sorted_and_resolve():
    assert coopqa.__all__ == sorted(coopqa.__all__)
    for name in coopqa.__all__:
        assert getattr(coopqa, name).__name__ == name


def test_import_coopqa_loads_nothing_heavy():
    code = (
        "import sys, coopqa; coopqa.Settings; coopqa.Answer; "
        "print(sorted({'torch', 'chromadb', 'gradio', 'langchain_core'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr
