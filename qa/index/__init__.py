"""Index storage: dense vectors (FAISS), keyword index (BM25) and the records they point at."""
