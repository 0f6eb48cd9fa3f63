"""`hustings demo`: build a fictional organisation with an election in nominations."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hustings.demo.build import Persona, build_demo
from hustings.elections.models import Election
from hustings.members.models import Member, Unit


def _members(text: str) -> int:
    value = int(text.replace(",", "").replace("_", ""))
    if not 100 <= value <= settings.HUSTINGS_DEMO_MAX_MEMBERS:
        raise ValueError(value)
    return value


class Command(BaseCommand):
    """Build the demonstration organisation, election and people, and say how to sign in."""

    help = (
        "Build a fictional organisation (11 regions, 600 units, members), the 'NEC and NPF "
        "elections 2026' in its nominations phase with candidates and two slates, and accounts "
        "for a returning officer, an observer, a unit secretary, a candidate and a member. "
        "Prints how to sign in as each."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take --members, --if-empty, --seed, --no-photos and --stage."""
        parser.add_argument(
            "--members",
            type=_members,
            default=50_000,
            help="how many members to generate (100 to 600,000; default 50,000)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the database already holds an election (for `make run`)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="seed for the generator")
        parser.add_argument(
            "--no-photos", action="store_true", help="skip the placeholder candidate photos"
        )
        parser.add_argument(
            "--stage",
            choices=("nominations", "nominations-closed", "ballot", "results"),
            default="nominations",
            help="where to leave the election: mid-nominations (default), with nominations "
            "closed and every ballot list confirmed, or (ballot) with the ballot open, every "
            "eligible member issued a code (no emails sent) and about 30%% of them voted, or "
            "(results) with that ballot closed, counted and the results published",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Build the demo, unless told to leave a non-empty database alone."""
        if Election.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already holds an election; no demo built.")
                return
            raise CommandError(
                "the database already holds an election; the demo is for an empty database "
                "(use --if-empty to skip quietly)"
            )
        if Unit.objects.exists() or Member.objects.exists():
            raise CommandError(
                "the database already holds units or members; the demo needs an empty register"
            )
        started = timezone.now()
        result = build_demo(
            options["members"],
            seed=options["seed"],
            photos=not options["no_photos"],
            nominations_closed=options["stage"] == "nominations-closed",
            ballot=options["stage"] == "ballot",
            results=options["stage"] == "results",
            progress=lambda message: self.stdout.write(f"  building {message}…"),
        )
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {result.election.name}: {result.regions} regions, {result.units} units, "
                f"{result.members:,} members, {result.candidacies} candidates ({seconds:.0f} s). "
                f"Phase now: {result.election.phase().label}."
            )
        )
        for persona in result.personas:
            self.stdout.write(self._describe(persona))
        minutes = settings.HUSTINGS_LOGIN_LINK_MINUTES
        self.stdout.write(
            f"\nSign-in links work once and expire after {minutes} minutes. For a fresh one, "
            "enter the email address at /accounts/sign-in/: the email appears on this console."
        )

    def _describe(self, persona: Persona) -> str:
        lines = [f"\n{persona.role}: {persona.name} <{persona.email}>"]
        if persona.note:
            lines.append(f"  {persona.note}")
        if persona.password:
            lines += [
                f"  sign in at {persona.link}",
                f"  password:       {persona.password}",
                f"  TOTP secret:    {persona.totp_secret}",
                f"  authenticator:  {persona.totp_uri}",
                '  current code:   .venv/bin/python -c "import pyotp; '
                f"print(pyotp.TOTP('{persona.totp_secret}').now())\"",
            ]
        else:
            lines.append(f"  sign-in link: {persona.link}")
        if persona.vote_link:
            lines.append(f"  voting link:  {persona.vote_link}  (their own code, unused)")
        return "\n".join(lines)
