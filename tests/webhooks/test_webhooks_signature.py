"""The signature function: Asana's hex HMAC-SHA256 over the raw body, compared in constant time."""

from __future__ import annotations

from hypothesis import given, strategies as st

from asana_adaptor.webhooks import sign, verify
from asana_sandbox.webhooks import sign as sandbox_sign

FOX = b"The quick brown fox jumps over the lazy dog"


def test_known_vector_quick_brown_fox():
    """HMAC-SHA256("key", the fox sentence) is the published value."""
    assert sign("key", FOX) == "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"


def test_known_vector_rfc4231_case_2():
    """RFC 4231 test case 2 (key "Jefe") gives the RFC's digest."""
    assert sign(b"Jefe", b"what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")


def test_verify_accepts_the_right_signature_in_either_hex_case():
    """A correct signature verifies, also written in uppercase hex."""
    signature = sign("key", FOX)
    assert verify("key", FOX, signature) and verify("key", FOX, signature.upper())


def test_verify_rejects_a_changed_body_or_key():
    """One changed byte of the body, or another secret, fails verification."""
    signature = sign("key", FOX)
    assert not verify("key", FOX + b" ", signature)
    assert not verify("other", FOX, signature)


def test_verify_rejects_missing_or_malformed_signatures():
    """No signature, an empty one, a prefix or non-hex text never verifies; nor does no secret."""
    signature = sign("key", FOX)
    for bad in (None, "", signature[:32], "zz" * 32, "é" * 64):
        assert not verify("key", FOX, bad)
    assert not verify(None, FOX, signature) and not verify("", FOX, signature)


@given(st.text(min_size=1, max_size=40), st.binary(max_size=300))
def test_matches_the_sandbox_signing(secret, body):
    """What the sandbox signs, the receiver verifies (same algorithm as Asana's deliveries)."""
    assert verify(secret, body, sandbox_sign(secret, body))
