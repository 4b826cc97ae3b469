"""Prepared files: large files (the certificates' ZIP, the jury report, the exports) made by a job and
kept for download. Infrastructure: it knows no domain; each domain registers how its kinds are made
(`kinds.py`)."""
