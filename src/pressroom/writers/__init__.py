"""Writers: one module per output format (DOCX, feeds, pages)."""
