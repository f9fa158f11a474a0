"""The key of the audit chain's MACs, which the database does not hold."""

import hashlib
import hmac

from django.conf import settings

# Fixed, so that the derived key is stable; distinct from every salt Django derives from SECRET_KEY,
# so that the audit key never coincides with SECRET_KEY or with a key Django signs anything else with.
DERIVATION_LABEL = b"studyportal.audit.entry-mac.v1"


def audit_key() -> bytes:
    """AUDIT_KEY when set; otherwise HMAC-SHA256(SECRET_KEY, DERIVATION_LABEL)."""
    if settings.AUDIT_KEY:
        return settings.AUDIT_KEY.encode()
    return hmac.new(settings.SECRET_KEY.encode(), DERIVATION_LABEL, hashlib.sha256).digest()


def entry_mac(entry_hash: str, key: bytes) -> str:
    """The MAC of an entry: over its hash, which covers its content and, through the chain, every
    entry before it. Whoever re-hashes the chain without the key cannot produce it."""
    return hmac.new(key, entry_hash.encode(), hashlib.sha256).hexdigest()
