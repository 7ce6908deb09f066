"""Importers: where a team's data is, into perception's accounts.

Each importer returns :class:`~perception.model.Account` records, ready for
:func:`perception.io.write_jsonl` or :func:`perception.assess`; ``perception import``
runs them from the command line and writes JSONL.

* :func:`import_email`: ``.eml`` files and mbox mailboxes;
* :func:`import_zendesk`: Zendesk Support tickets with their comments (JSON);
* :func:`import_accounts_csv`: a CRM's accounts (HubSpot companies, Salesforce accounts
  or any CSV), with a column mapping.

What an importer leaves out or cannot place is told to its ``notice`` callback (default:
a warning on the ``perception.importers`` logger), one line each.
"""

from __future__ import annotations

from perception.importers._common import Notice
from perception.importers.crm import ACCOUNT_FIELDS, PRESETS, import_accounts_csv
from perception.importers.mail import import_email
from perception.importers.zendesk import import_zendesk

__all__ = [
    "ACCOUNT_FIELDS",
    "PRESETS",
    "Notice",
    "import_accounts_csv",
    "import_email",
    "import_zendesk",
]
