"""Elections, their timetables and contests, with eligibility and nomination rules."""
