"""Name matching: forgiving of spelling drift, never guessing."""

import pytest

from asana_adaptor.ops.names import (
    AmbiguousNameError,
    NameIndex,
    UnknownNameError,
    closest_names,
    normalize_name,
)

CATEGORIES = ["Land Rights", "Human-Wildlife Conflict", "Access to Resources", "Staff Conduct",
              "Consultation & Consent", "Other"]


def index() -> NameIndex[str]:
    return NameIndex(((n, n) for n in CATEGORIES), kind="option", where="field 'Category'")


@pytest.mark.parametrize("spelling", [
    "land rights", "LAND RIGHTS", "  Land Rights  ", "Land   Rights", "Land\tRights",
    "Land\u00a0Rights",
])
def test_case_and_whitespace_are_forgiven(spelling):
    """Case, surrounding, repeated and non-breaking whitespace do not change the match."""
    assert index().find(spelling) == "Land Rights"


@pytest.mark.parametrize("dash", list("\u2010\u2011\u2012\u2013\u2014\u2015\u2212"))
def test_every_dash_variant_matches_a_hyphen(dash):
    """Each Unicode dash variant matches the ASCII hyphen."""
    assert index().find(f"Human{dash}Wildlife Conflict") == "Human-Wildlife Conflict"


@pytest.mark.parametrize("quote", list("\u2018\u2019\u201a\u201b\u2032"))
def test_single_quote_variants_match_an_apostrophe(quote):
    """Curly, low and prime single quotes match the ASCII apostrophe."""
    names = NameIndex([("Chief's Office", 1)])
    assert names.find(f"chief{quote}s office") == 1


@pytest.mark.parametrize("quote", list("\u201c\u201d\u201e\u201f\u2033"))
def test_double_quote_variants_match_a_double_quote(quote):
    """Curly, low and prime double quotes match the ASCII double quote."""
    names = NameIndex([('The "Other" Box', 1)])
    assert names.find(f"the {quote}other{quote} box") == 1


def test_fullwidth_letters_are_folded_by_nfkc():
    """NFKC folds compatibility characters (full-width letters) to their plain form."""
    assert index().find("\uff2f\uff54\uff48\uff45\uff52") == "Other"


def test_a_different_word_is_not_matched():
    """A near-miss that is a different word raises instead of being guessed."""
    with pytest.raises(UnknownNameError):
        index().find("Land Right")


def test_unknown_name_lists_valid_names_closest_first():
    """The error lists every valid name, the most similar first."""
    with pytest.raises(UnknownNameError) as caught:
        index().find("Staff Conduc")
    assert caught.value.choices[0] == "Staff Conduct"
    assert sorted(caught.value.choices) == sorted(CATEGORIES)
    assert "'Staff Conduct'" in str(caught.value) and "field 'Category'" in str(caught.value)


def test_exact_spelling_wins_over_loose_twins():
    """When two names differ only in case, the exact spelling still finds its own item."""
    names = NameIndex([("Open", 1), ("OPEN", 2)])
    assert names.find("OPEN") == 2


def test_loose_spelling_of_twins_is_ambiguous():
    """A loose spelling matching two names that differ only in case is refused."""
    names = NameIndex([("Open", 1), ("OPEN", 2)])
    with pytest.raises(AmbiguousNameError) as caught:
        names.find("open")
    assert caught.value.candidates == ["Open", "OPEN"]


def test_normalize_collapses_every_drift_at_once():
    """normalize_name folds case, spaces, dashes and quotes together."""
    text = " Human\u2014Wildlife  \u201cConflict\u201d "
    assert normalize_name(text) == 'human-wildlife "conflict"'


def test_closest_names_orders_by_similarity():
    """closest_names puts the most similar names first."""
    assert closest_names("Peru", ["Colombia", "Peru", "Perú"])[:2] == ["Peru", "Perú"]


def test_get_returns_none_for_unknown():
    """NameIndex.get answers None rather than raising for an unknown name."""
    assert index().get("Nothing like it") is None
