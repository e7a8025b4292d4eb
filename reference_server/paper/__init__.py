"""Paper trading, served only with the test-control API: accounts, quotes, the clock, and trades."""
