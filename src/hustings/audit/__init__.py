"""The append-only, hash-chained record of every change that matters to an election."""
