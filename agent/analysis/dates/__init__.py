"""Dates in text: the grammar that finds them, what they mean, and calendar arithmetic.

- ``rules``: a ``rules/dates/<lang>.toml`` file compiled into regular expressions;
- ``regex``: fast word alternations and which words can anchor a match;
- ``grammar``: :class:`DateGrammar`, matches found and resolved against a reference time;
- ``readings``, ``period_readings``: what each kind of match means, as a window of days;
- ``arithmetic``: weeks, months, periods and business days.
"""
