"""Reading the corpus: documents (Markdown, text, PDF) into passages and sentences, search words,
the glossary, embeddings, and the index (Chroma, BM25, stored vectors) searched by retrieval."""
