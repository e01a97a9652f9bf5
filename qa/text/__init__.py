"""Chinese text: sentence boundaries (``sentences``) and word segmentation for keyword search (``segmentation``)."""
