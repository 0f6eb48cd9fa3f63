"""Campaigning: supporters, updates, questionnaires, public questions and report-backs."""
