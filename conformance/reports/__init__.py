"""Report writers: console summary, JSON and a self-contained HTML page (JUnit comes from pytest)."""
