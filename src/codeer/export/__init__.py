"""Writing analysis results as tables (CSV, CSV for Dutch Excel, XLSX, terminal), safe against formula
injection; ``standard`` writes the whole standard set at once."""
