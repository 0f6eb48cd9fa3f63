"""Results: the count at the close, its review and publication, recounts and casual vacancies."""
