"""The outbox: drafts and the queue (``drafts``), SMTP (``smtp``), the flush (``flush``) with the Sent copy
and \\Answered (``sentcopy``), introductions with consent and follow-ups after a break."""
