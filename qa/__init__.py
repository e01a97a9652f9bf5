"""Question answering with citations over Chinese news articles."""
