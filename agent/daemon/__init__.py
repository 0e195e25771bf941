"""``followup run``: the long-running agent.

- ``loop``: the daemon, one pass per account when due, housekeeping, signals;
- ``source``: a mailbox the daemon watches, with its connection kept;
- ``idle``, ``push``: IMAP IDLE sessions and when to trust them;
- ``faults``: what a failure is (retry, re-authenticate, a bug) and the back-off;
- ``clock``: real and simulated time;
- ``status``: the state file ``followup status`` reads.
"""
