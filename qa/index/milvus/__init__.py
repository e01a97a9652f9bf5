"""The Milvus index store (QA_INDEX_STORE=milvus): versions published to Milvus, searched there (docs/scaling.md)."""
