"""What every part of the demo works with."""

from collections.abc import Callable
from dataclasses import dataclass

from gangwei.models import Campaign, User


@dataclass(frozen=True)
class Demo:
    campaign: Campaign
    users: dict[str, User]  # by username (accounts.users())
    out: Callable[[str], None]  # the command's stdout.write
