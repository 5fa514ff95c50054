"""Package data: source documents, curated records, map data, icons and the built database."""
