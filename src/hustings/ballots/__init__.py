"""The ballot: the roll of voters, their credentials, secret ballots, postal returns and turnout."""
