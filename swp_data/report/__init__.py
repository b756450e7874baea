"""The scrutiny pack: everything one view shows, gathered once (``pack``) and written as a file."""
