"""Disclosure control: small counts suppressed, and never recoverable by subtraction."""
