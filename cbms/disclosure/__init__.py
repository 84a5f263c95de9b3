"""Disclosure control of what is published: secondary suppression over the relations among cells, and the audit
that tries to work protected cells back from the published files."""

from cbms.disclosure.relations import Key, Relation, relations
from cbms.disclosure.secondary import Protection, protect

__all__ = ["Key", "Protection", "Relation", "protect", "relations"]
