"""Mailbox sources: IMAP and Maildir behind one small interface (``base.Source``)."""
