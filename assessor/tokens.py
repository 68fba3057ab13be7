"""Private-link tokens: their shape, how they are made, and the digest that is stored.

A private link (``/a/<token>/``) is the only key to an assessment, so everything that knows what
a token looks like lives here, in one place: the store (making and finding them), the models
(the stored digest), the web app's URL converter and the log redaction. Pure: no Flask, no
database.

A token is 256 random bits, URL-safe base64 without padding (43 characters). The database keeps
only its SHA-256 digest (:func:`hash_token`): a copy of the database does not give the links
away, and as tokens are random, a plain, unsalted digest cannot be reversed or guessed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

#: The characters of a token (a regular-expression character class): URL-safe base64.
ALPHABET = "A-Za-z0-9_-"
TOKEN_BYTES = 32
#: Length of a token, and of its digest (both 32 bytes in unpadded base64url).
TOKEN_CHARS = 43
DIGEST_CHARS = 43

#: A whole token (for URL converters; anchor it yourself).
TOKEN_PATTERN = rf"[{ALPHABET}]{{{TOKEN_CHARS}}}"
#: A run of token characters long enough to be a token or most of one (what logs must hide).
TOKEN_LIKE_PATTERN = rf"[{ALPHABET}]{{40,}}"

_TOKEN_RE = re.compile(rf"\A{TOKEN_PATTERN}\Z")


def new_token() -> str:
    """A fresh private-link token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(value: object) -> bool:
    """Whether a value has the shape of a private-link token."""
    return isinstance(value, str) and _TOKEN_RE.match(value) is not None


def hash_token(token: str) -> str:
    """The stored form of a private-link token: its SHA-256 digest, base64url (43 characters)."""
    digest = hashlib.sha256(token.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def same_digest(stored: str, wanted: str) -> bool:
    """Whether two token digests are equal, compared in constant time."""
    return hmac.compare_digest(stored, wanted)
