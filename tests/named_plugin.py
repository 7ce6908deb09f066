"""A plugin module the batch tests load by name, in this process and in workers."""

from __future__ import annotations

import os

from perception import Signal, hookimpl


class PidScorer:
    """A scorer whose explanation names the process that ran it."""

    name = "pid-scorer"
    description = "says which process scored the account"

    def score(self, account, ctx):
        yield Signal(
            scorer=self.name, dimension="empathy", value=0.0, explanation=f"pid {os.getpid()}"
        )


@hookimpl
def perception_register_scorers(register):
    register(PidScorer())
