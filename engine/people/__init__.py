"""Who: users and their grants, regions, the one access policy (:mod:`engine.people.access`),
user administration, two-factor sign-in, single sign-on and claim mapping, the chain
partner directory.

Rule: imports audit (every change here is audited) and the layers below. Functions take a
``Connection``; the desks in :mod:`engine.service` open the transactions.
"""
