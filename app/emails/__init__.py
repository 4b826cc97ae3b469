"""The organisers' view of the emails the site sent: the delivery log (app/mail) per edition and per person,
and sending a message again.

A domain above the others because its pages are about all of them: it reads the log through the edition and
the person a message is about, and sends nothing of its own (each domain composes its emails).
"""
