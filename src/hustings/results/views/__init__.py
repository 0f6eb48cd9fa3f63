"""The results pages: public results, verification, and the staff review."""
