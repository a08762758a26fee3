"""Custom field values: every field type's human forms turn into the raw API value.

These run on field definitions shaped like Asana's (no requests are needed for these types).
"""

import asyncio
import datetime as dt

import pytest

from asana_adaptor.ops.custom_fields import (
    CustomField,
    CustomFieldError,
    FieldCatalog,
    convert_value,
    same_value,
    value_from_task,
)

STATUS = CustomField.from_api({
    "gid": "100", "name": "Grievance Status", "resource_subtype": "enum",
    "enum_options": [{"gid": "101", "name": "Open", "enabled": True},
                     {"gid": "102", "name": "In Progress", "enabled": True},
                     {"gid": "103", "name": "Resolved", "enabled": True}]})
CATEGORY = CustomField.from_api({
    "gid": "200", "name": "Category", "resource_subtype": "enum",
    "enum_options": [{"gid": "201", "name": "Land Rights"},
                     {"gid": "202", "name": "Human-Wildlife Conflict"},
                     {"gid": "203", "name": "Consultation & Consent"},
                     {"gid": "204", "name": "Chief\u2019s Office"},
                     {"gid": "209", "name": "Inactive Option", "enabled": False}]})
THEMES = CustomField.from_api({
    "gid": "300", "name": "Themes", "resource_subtype": "multi_enum",
    "enum_options": [{"gid": "301", "name": "Water"}, {"gid": "302", "name": "Land"},
                     {"gid": "303", "name": "Safety"}]})
HOUSEHOLDS = CustomField.from_api({"gid": "400", "name": "Households Affected",
                                   "resource_subtype": "number", "precision": 0})
AREA = CustomField.from_api({"gid": "450", "name": "Area (ha)", "resource_subtype": "number",
                             "precision": 2})
ENTERED = CustomField.from_api({"gid": "500", "name": "Date Entered", "resource_subtype": "date"})
REPORTER = CustomField.from_api({"gid": "600", "name": "Reporter", "resource_subtype": "text"})
FORMULA = CustomField.from_api({"gid": "700", "name": "Score", "resource_subtype": "number",
                                "is_formula_field": True})


def convert(field, value):
    return asyncio.run(convert_value(None, {}, field, value))


@pytest.mark.parametrize("spelling", [
    "Open", "open", "OPEN", " Open ", "Open  ", "\u00a0open",
])
def test_enum_option_by_any_forgiven_spelling(spelling):
    """An enum option is found by name whatever its case or surrounding spaces."""
    assert convert(STATUS, spelling) == "101"


@pytest.mark.parametrize("spelling", [
    "Human-Wildlife Conflict", "human\u2013wildlife conflict", "Human\u2014Wildlife  Conflict",
    "HUMAN\u2011WILDLIFE CONFLICT ", "Human\u2212Wildlife Conflict",
])
def test_enum_option_with_any_dash(spelling):
    """Hyphen, en dash, em dash, non-breaking hyphen and minus sign all match the option."""
    assert convert(CATEGORY, spelling) == "202"


@pytest.mark.parametrize("spelling",
                         ["Chief's Office", "chief\u2018s office", "Chief\u2032s  Office"])
def test_enum_option_with_any_quote(spelling):
    """Straight, curly and prime apostrophes match the option's curly apostrophe."""
    assert convert(CATEGORY, spelling) == "204"


def test_enum_option_by_gid_passes_through():
    """An option gid is accepted as is."""
    assert convert(STATUS, "102") == "102"


def test_enum_option_from_an_option_record():
    """An option record read from Asana ({gid, name}) is accepted."""
    assert convert(STATUS, {"gid": "103", "name": "Resolved"}) == "103"


@pytest.mark.parametrize("wrong", ["Opened", "Land Right", "Human Wildlife Conflict", "Closed!"])
def test_a_different_word_is_refused(wrong):
    """A near-miss that is a different word is not guessed."""
    field = CATEGORY if "Land" in wrong or "Human" in wrong else STATUS
    with pytest.raises(CustomFieldError):
        convert(field, wrong)


def test_unknown_option_error_lists_options_closest_first():
    """The error for an unknown option lists the valid options, the closest first."""
    with pytest.raises(CustomFieldError) as caught:
        convert(STATUS, "In Progres")
    assert caught.value.choices[0] == "In Progress"
    assert "'In Progress'" in str(caught.value) and "Grievance Status" in str(caught.value)


def test_disabled_option_is_refused_as_disabled():
    """Choosing a disabled option says it is disabled, not that it is unknown."""
    with pytest.raises(CustomFieldError, match="disabled"):
        convert(CATEGORY, "inactive option")


def test_multi_enum_from_names():
    """A multi-enum value is a list of option names, each forgiven, duplicates dropped."""
    assert convert(THEMES, ["water", " LAND", "Water"]) == ["301", "302"]


def test_multi_enum_from_one_name():
    """A single name for a multi-enum field is a one-option list."""
    assert convert(THEMES, "Safety") == ["303"]


def test_multi_enum_with_one_unknown_name_is_refused():
    """One unknown name in a multi-enum list raises instead of dropping it."""
    with pytest.raises(CustomFieldError, match="'Watter'"):
        convert(THEMES, ["Land", "Watter"])


def test_multi_enum_given_names_in_one_string_asks_for_a_list():
    """"Water, Land" for a multi-select is refused with the list to write instead."""
    with pytest.raises(CustomFieldError, match=r"give a list of option names, such as "
                                               r"\['Water', 'Land'\]"):
        convert(THEMES, "Water, Land")


@pytest.mark.parametrize("value,expected", [
    ("12", 12), (" 12 ", 12), (7, 7), (12.0, 12), ("0", 0), ("-3", -3)])
def test_number_from_numbers_and_numeric_strings(value, expected):
    """Numbers and numeric strings become numbers (integral values as ints at precision 0)."""
    out = convert(HOUSEHOLDS, value)
    assert out == expected and type(out) is int


def test_number_with_decimals():
    """A decimal string keeps its decimals."""
    assert convert(AREA, "2.75") == 2.75


@pytest.mark.parametrize("value", ["1,200", "1,5", "1 200", "twelve", "12abc", True])
def test_number_refuses_ambiguous_or_non_numeric(value):
    """Thousands separators, decimal commas, words and booleans are refused, not guessed."""
    with pytest.raises(CustomFieldError, match="Households Affected"):
        convert(HOUSEHOLDS, value)


def test_number_comma_error_says_how_to_fix():
    """The comma error explains the ambiguity and the accepted form."""
    with pytest.raises(CustomFieldError, match="without separators"):
        convert(HOUSEHOLDS, "1,200")


@pytest.mark.parametrize("value,expected", [
    ("2024-03-05", {"date": "2024-03-05"}),
    (" 2024-03-05 ", {"date": "2024-03-05"}),
    (dt.date(2024, 3, 5), {"date": "2024-03-05"}),
    (dt.datetime(2024, 3, 5, 10, 30, tzinfo=dt.timezone.utc),
     {"date_time": "2024-03-05T10:30:00.000Z"}),
    ("2024-03-05T13:30:00+03:00", {"date_time": "2024-03-05T10:30:00.000Z"}),
    ({"date": "2024-03-05"}, {"date": "2024-03-05"}),
])
def test_date_forms(value, expected):
    """Dates from strings, date objects, aware datetimes and date objects of the API."""
    assert convert(ENTERED, value) == expected


@pytest.mark.parametrize("value", ["05/03/2024", "2024-02-30", "2024-03-05T10:30:00",
                                   dt.datetime(2024, 3, 5, 10, 30)])
def test_date_refuses_ambiguous_or_invalid(value):
    """Day/month orders, impossible dates and datetimes without a time zone are refused."""
    with pytest.raises(CustomFieldError, match="Date Entered"):
        convert(ENTERED, value)


def test_text_keeps_the_string():
    """Text values are written as given."""
    assert convert(REPORTER, "  Amina Diallo ") == "  Amina Diallo "


def test_text_from_a_number():
    """A number for a text field is written as its string form."""
    assert convert(REPORTER, 42) == "42"


def test_text_over_the_limit_is_refused():
    """Text longer than Asana's 1024 characters is refused rather than cut."""
    with pytest.raises(CustomFieldError, match="1024"):
        convert(REPORTER, "x" * 1025)


@pytest.mark.parametrize("field", [STATUS, THEMES, HOUSEHOLDS, ENTERED, REPORTER])
def test_none_clears_every_type(field):
    """None clears a field of any type."""
    assert convert(field, None) is None


@pytest.mark.parametrize("field", [STATUS, HOUSEHOLDS, ENTERED])
def test_empty_string_clears_non_text_fields(field):
    """An empty answer ("") for an enum, number or date field means no value."""
    assert convert(field, "  ") is None


def test_formula_field_is_refused():
    """A formula field cannot be written."""
    with pytest.raises(CustomFieldError, match="formula"):
        convert(FORMULA, 3)


def test_catalog_finds_fields_by_forgiven_name_and_gid():
    """A field is found by its gid or by a forgiven spelling of its name."""
    catalog = FieldCatalog([STATUS, HOUSEHOLDS], "project 1")
    assert catalog.field("100") is STATUS
    assert catalog.field(" households  AFFECTED") is HOUSEHOLDS


def test_catalog_unknown_field_lists_names_closest_first():
    """An unknown field name raises, listing the project's fields, the closest first."""
    catalog = FieldCatalog([STATUS, CATEGORY, HOUSEHOLDS, ENTERED], "project 1")
    with pytest.raises(CustomFieldError) as caught:
        catalog.field("Grievance Stat")
    assert caught.value.choices[0] == "Grievance Status"
    assert "project 1" in str(caught.value)


@pytest.mark.parametrize("entry,wanted", [
    ({"resource_subtype": "enum", "enum_value": {"gid": "101"}}, "101"),
    ({"resource_subtype": "multi_enum", "multi_enum_values": [{"gid": "2"}, {"gid": "1"}]},
     ["1", "2"]),
    ({"resource_subtype": "number", "number_value": 12}, 12.0),
    ({"resource_subtype": "date", "date_value": {"date": "2024-03-05", "date_time": None}},
     {"date": "2024-03-05"}),
    ({"resource_subtype": "date", "date_value": {"date": "2024-03-05",
                                                  "date_time": "2024-03-05T10:30:00.000Z"}},
     {"date_time": "2024-03-05T10:30:00Z"}),
    ({"resource_subtype": "people", "people_value": [{"gid": "9"}]}, ["9"]),
    ({"resource_subtype": "text", "text_value": None}, None),
])
def test_stored_value_equals_the_prepared_value(entry, wanted):
    """A stored task value compares equal to the write value that produced it."""
    assert same_value(value_from_task(entry), wanted)


def test_changed_value_is_not_equal():
    """A different option is a change."""
    stored = value_from_task({"resource_subtype": "enum", "enum_value": {"gid": "101"}})
    assert not same_value(stored, "102")
