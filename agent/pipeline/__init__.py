"""A pass, from the mailbox to the Drafts folder.

- ``engine``: the rules, analyzer, policy, calendar, employers and templates, built
  once from the config;
- ``ingest``: one folder's new mail: headers, the prefilter, the texts of candidates,
  their analysis, recorded in the store (``texts`` reads texts in a helper process);
- ``passes``: one pass over every account: ingest, reconcile drafts, track, plan, apply;
- ``executor``: the plan carried out against the Drafts folder (or, in a dry run, not);
- ``report``: what a pass did; ``crash``: the crash tests' hook.
"""
