"""The domain events a comment change puts in the outbox, by name.

A store operation given one of these names writes the event in the same
transaction as the change (``store/contracts/comments.py``); the outbox worker
expands it into reply mails, moderator alerts and webhook calls
(``core/notifications.py``).
"""

from __future__ import annotations

from causerie.store.records import CommentState

CREATED = "comment.created"
APPROVED = "comment.approved"
SPAM = "comment.spam"
DELETED = "comment.deleted"
EDITED = "comment.edited"
EVENT_TYPES = (CREATED, APPROVED, SPAM, DELETED, EDITED)
# Sent by the dashboard's "send a test event" button; never caused by a comment.
TEST = "webhook.test"

_OF_STATE = {
    CommentState.APPROVED: APPROVED,
    CommentState.SPAM: SPAM,
    CommentState.DELETED: DELETED,
}


def event_of_state(state: CommentState) -> str | None:
    """The event a move to this state announces (None for ``pending``)."""
    return _OF_STATE.get(state)
