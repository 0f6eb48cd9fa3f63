"""People and access: user accounts, sign-in and the role checks every view uses."""
