"""Exchange with other tools and people: codings CSV/XLSX, REFI-QDA project (QDPX) and codebook (QDC)."""
