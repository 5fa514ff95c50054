"""The dataset compiler: source documents + curated records -> the bundled briefing database."""
