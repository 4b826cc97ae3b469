"""Personal data: a person's or an organisation's copy of their data, erasure, and how long attachments
are kept. Above every other domain, because it reads all of them."""
