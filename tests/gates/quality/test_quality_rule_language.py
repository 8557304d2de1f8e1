"""The rule language: what it accepts, what it refuses (naming the column of the problem), that
nothing outside the grammar is ever evaluated, its semantics against pandas ``DataFrame.eval``,
and its three-valued logic on missing values."""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mlgates.core.errors import InputError
from mlgates.gates.quality._evaluate import evaluate
from mlgates.gates.quality.expression import (
    FUNCTIONS,
    MAX_HEIGHT,
    Between,
    Binary,
    Call,
    Column,
    InList,
    IsNull,
    Literal,
    Logical,
    Node,
    Not,
    RuleSyntaxError,
    Unary,
    columns_of,
    parse,
    parse_condition,
)

NODE_TYPES = (Between, Binary, Call, Column, InList, IsNull, Literal, Logical, Not, Unary)


def _nodes(node: Node):
    yield node
    for field in dataclasses.fields(node):
        child = getattr(node, field.name)
        for c in child if isinstance(child, tuple) else (child,):
            if isinstance(c, Node):
                yield from _nodes(c)


# -- acceptance -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, columns",
    [
        ("end_date >= start_date", ("end_date", "start_date")),
        ("abs(price * qty - total) <= 0.01", ("price", "qty", "total")),
        ("country == 'US' or state isnull", ("country", "state")),
        ('country == "US" and state notnull', ("country", "state")),
        ("state is null or state is not null", ("state",)),
        ("isnull(a) or notnull(b)", ("a", "b")),
        ("x in [1, 2, -3.5]", ("x",)),
        ("x not in ('a', 'b',)", ("x",)),
        ("x between 1 and 10 and y not between -1 and 1", ("x", "y")),
        ("`unit price` * `qty.` > 0", ("unit price", "qty.")),
        ("`in` == 1 or `a``b` == 2", ("in", "a`b")),
        ("`__class__` > 0", ("__class__",)),
        ("d >= date('2024-01-31') and d < date('2024-02-01T08:00+01:00')", ("d",)),
        ("days(end - start) <= 30", ("end", "start")),
        ("NOT (x > 1) AND y < 2 OR z == 3", ("x", "y", "z")),
        ("flag", ("flag",)),
        ("flag == true or other == False", ("flag", "other")),
        ("-x % 3 == +1 and x / 2 != 1e-3", ("x",)),
        ("año > 1", ("año",)),
    ],
)
def test_accepted_rules_and_their_columns(text, columns):
    node = parse_condition(text)
    assert columns_of(node) == columns
    assert all(isinstance(n, NODE_TYPES) for n in _nodes(node))


def test_literals_and_precedence():
    node = parse("a + b * 2 > -c and not d or e")
    assert isinstance(node, Logical) and node.op == "or"  # or binds loosest
    left = node.left
    assert isinstance(left, Logical) and left.op == "and" and isinstance(left.right, Not)
    cmp = left.left
    assert isinstance(cmp, Binary) and cmp.op == ">"
    assert isinstance(cmp.left, Binary) and cmp.left.op == "+" and cmp.left.right.op == "*"
    assert parse("date('2024-01-31') == d").left.value == dt.datetime(2024, 1, 31)
    with pytest.raises(RuleSyntaxError, match="after a complete expression"):
        parse("x == 'it''s'")  # adjacent strings are not concatenated
    assert parse(r"x == 'a\'b\\c'").right.value == "a'b\\c"
    assert parse("x == -2").right == Literal(5, -2)


# -- rejection ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, problem, column",
    [
        ("df.price > 0", "attribute access is not allowed", 3),
        ("x.__class__ == 1", "attribute access is not allowed", 2),
        ("eval('1') == 1", "calling 'eval' is not allowed", 1),
        ("__import__('os').system('ls')", "calling '__import__' is not allowed", 1),
        ("getattr(x, 'y') > 0", "calling 'getattr' is not allowed", 1),
        ("x > 0 and open('f')", "calling 'open' is not allowed", 11),
        ("__class__ > 0", "names starting with __ are not allowed", 1),
        ("x > __builtins__", "names starting with __ are not allowed", 5),
        ("lambda: 1", "lambdas are not allowed", 1),
        ("(lambda x: x)(1) > 0", "lambdas are not allowed", 2),
        ("x[0] > 1", "subscripts are not allowed", 2),
        ("[c for c in x]", "comprehensions are not allowed", 1),
        ("1 if x else 2", "conditional expressions", 3),
        ("x = 1", "use == to compare", 3),
        ("x > 1 & y > 2", "use and", 7),
        ("x > 1 | y > 2", "use or", 7),
        ("~x", "use not", 1),
        ("x ** 2 > 1", "powers are not supported", 3),
        ("a < b < c", "chained comparisons are not allowed", 7),
        ("price * qty", "a rule must be a condition", 1),
        ("'text'", "a rule must be a condition", 1),
        ("x + 1 and y > 2", "`and` needs conditions", 1),
        ("", "the rule is empty", 1),
        ("x > 1; import os", "one rule per string", 6),
        ("x == 'abc", "unterminated string", 6),
        ("`abc > 1", "unterminated column name", 1),
        ("x == null", "null is not a value here", 6),
        ("x == None", "None is not a value here", 6),
        ("x in []", "the list after `in` is empty", 7),
        ("x in [y]", "a list holds literals", 7),
        ("x between 1", "expected `and`", 12),
        ("abs(x, y) > 1", "abs() takes one argument", 6),
        ("date(x) > d", "date() takes one quoted ISO date", 6),
        ("d > date('2024-13-01')", "is not an ISO 8601 date", 10),
        ("2x > 1", "a name cannot start with a digit", 1),
        ("x > 1 y > 2", "after a complete expression", 7),
        ("(x > 1", "expected ')'", 7),
        ("x is y", "expected `null` after `is`", 6),
        ("x > 'a\\q'", "unknown escape", 7),
    ],
)
def test_rejected_rules_name_the_problem_and_its_column(text, problem, column):
    with pytest.raises(RuleSyntaxError) as info:
        parse_condition(text)
    exc = info.value
    assert problem in exc.problem, str(exc)
    assert exc.offset == column - 1, str(exc)
    message = str(exc)
    assert f"at column {column}:" in message
    line, caret = message.splitlines()[-2:]
    assert line == f"  {text}" and caret == "  " + " " * (column - 1) + "^"


def test_deep_or_long_rules_are_refused_without_recursion_errors():
    with pytest.raises(RuleSyntaxError, match="nests deeper"):
        parse("(" * 500 + "x" + ")" * 500 + " > 1")
    with pytest.raises(RuleSyntaxError, match="operators in a row"):
        parse(" or ".join(f"x == {i}" for i in range(MAX_HEIGHT + 5)))
    with pytest.raises(RuleSyntaxError, match="longer than"):
        parse("x > 1 and " * 2000 + "x > 1")
    with pytest.raises(RuleSyntaxError, match="more than 100 characters"):
        parse("x > " + "9" * 5000)
    with pytest.raises(TypeError):
        parse(3)  # type: ignore[arg-type]


# -- nothing outside the grammar is evaluated ---------------------------------------------------------
_ALPHABET = "abcxy_ 019.,'\"`()[]{}<>=!+-*/%&|~^:;@#\\\n\t"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40) | st.text(max_size=20))
def test_random_text_parses_into_the_grammar_or_names_its_problem(text):
    try:
        node = parse(text)
    except RuleSyntaxError as exc:
        assert 0 <= exc.offset <= len(text)
        assert exc.problem and "^" in str(exc)
        return
    for n in _nodes(node):
        assert isinstance(n, NODE_TYPES)
        if isinstance(n, Call):
            assert n.func in FUNCTIONS
        if isinstance(n, Column) and n.name.startswith("__"):
            assert "`" in text  # only a quoted name may look like a dunder


_TOKENS = [
    "x", "y", "s", "d", "flag", "1", "2.5", "-3", "'a'", "'US'", "true", "(", ")", "[", "]", ",",
    "==", "!=", "<", ">=", "+", "-", "*", "/", "%", "and", "or", "not", "in", "between", "isnull",
    "notnull", "is", "null", "abs", "days", "date('2024-01-01')", "__import__", "os", ".", "system",
    "eval", "exec", "open", "lambda", ":", "for", "if", "else", "getattr", "__class__", "`x`", "__dict__",
]  # fmt: skip


#: The names among the tokens that may be read as columns (never a dunder, never a Python keyword).
_NAMES = {"x", "y", "s", "d", "flag", "os", "system", "eval", "exec", "open", "getattr", "abs", "days"}


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    n = 12
    return pd.DataFrame(
        {
            "x": rng.normal(size=n).round(1),
            "y": rng.integers(0, 3, n),
            "s": pd.Series(rng.choice(["a", "US", None], n), dtype="str"),
            "d": pd.date_range("2023-12-25", periods=n, freq="D"),
            "flag": rng.random(n) < 0.5,
        }
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=9))
def test_random_token_strings_never_evaluate_anything_outside_the_grammar(frame, monkeypatch, tokens):
    text = " ".join(tokens)
    try:
        node = parse(text)
    except RuleSyntaxError:
        return
    for n in _nodes(node):
        assert isinstance(n, NODE_TYPES)
        assert not (isinstance(n, Call) and n.func not in ("abs", "days"))
        assert not (isinstance(n, Column) and n.name not in _NAMES)

    def forbidden(*args, **kwargs):
        raise AssertionError(f"the evaluator called a builtin it must never call, for {text!r}")

    with monkeypatch.context() as m:
        for name in ("eval", "exec", "compile", "open", "breakpoint", "input"):
            m.setattr(builtins, name, forbidden)
        try:
            truth = evaluate(node, text, frame)
        except InputError as exc:
            assert exc.reason in ("invalid_rule", "missing_column"), exc
            return
    assert truth.true.shape == (len(frame),) and truth.unknown.shape == (len(frame),)
    assert not (truth.true & truth.unknown).any()


# -- semantics against pandas --------------------------------------------------------------------------
def _expressions():
    cols = st.sampled_from(["a", "b", "c"])
    nums = st.integers(-3, 3).map(str) | st.sampled_from(["0.5", "1.5"])
    leaf = cols | nums

    def arith(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(children, st.just("/"), st.just("c")).map(lambda t: f"({t[0]} / {t[2]})"),
            children.map(lambda e: f"abs({e})"),
            children.map(lambda e: f"-{e}"),
        )

    values = st.recursive(leaf, arith, max_leaves=4)
    compare = st.tuples(values, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), values).map(" ".join)
    member = st.tuples(cols, st.lists(st.integers(-3, 3), min_size=1, max_size=3)).map(
        lambda t: f"{t[0]} in [{', '.join(map(str, t[1]))}]"
    )

    def logic(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["and", "or"]), children).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            children.map(lambda e: f"not ({e})"),
        )

    return st.recursive(compare | member, logic, max_leaves=4)


@pytest.fixture(scope="module")
def numbers():
    rng = np.random.default_rng(1)
    n = 60
    return pd.DataFrame(
        {
            "a": rng.integers(-3, 4, n).astype(float),
            "b": rng.integers(-3, 4, n),
            "c": rng.choice([0.5, 1.0, 2.0, 3.0], n),  # never 0: the divisor
        }
    )


def _same_as_pandas(numbers: pd.DataFrame, text: str) -> None:
    node = parse_condition(text)
    # pandas evaluates `not (0 == 0)` as ~True == -2 (truthy): a `not` of a condition on no
    # column is no oracle, alone or inside `a == b or not (0 == 0)`
    assume(not any(isinstance(n, Not) and not columns_of(n.operand) for n in _nodes(node)))
    result = numbers.eval(text, engine="python")
    assume(np.ndim(result) == 1)
    truth = evaluate(node, text, numbers)
    expected = np.asarray(result, dtype=bool)
    assert not truth.unknown.any()
    np.testing.assert_array_equal(truth.true, expected, err_msg=text)
    np.testing.assert_array_equal(numbers.index[truth.true], numbers.query(text, engine="python").index)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_expressions())
def test_same_rows_as_pandas_eval_where_there_is_no_missing_value(numbers, text):
    _same_as_pandas(numbers, text)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_expressions())
def test_same_rows_as_pandas_eval_many_expressions(numbers, text):
    _same_as_pandas(numbers, text)


# -- three-valued logic --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gaps():
    return pd.DataFrame(
        {
            "x": [1.0, np.nan, 3.0, np.nan],
            "y": [1.0, 1.0, np.nan, np.nan],
            "s": pd.Series(["US", None, "FR", "US"], dtype="str"),
            "o": pd.Series(["US", None, "FR", np.nan], dtype=object),
            "d": pd.to_datetime(["2024-01-01", None, "2024-03-01", "2024-04-01"]),
            "i": pd.array([1, None, 3, 4], dtype="Int64"),
            "b": pd.array([True, None, False, True], dtype="boolean"),
        }
    )


T, F, U = "T", "F", "U"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x > 0", [T, U, T, U]),
        ("not (x > 0)", [F, U, F, U]),
        ("x > 0 or y > 0", [T, T, T, U]),  # unknown or true is true
        ("x > 2 and y > 0", [F, U, U, U]),
        ("x > 2 and y > 5", [F, F, U, U]),  # unknown and false is false
        ("x isnull", [F, T, F, T]),
        ("x notnull or y notnull", [T, T, T, F]),
        ("x in [1, 3]", [T, U, T, U]),
        ("x not in [1]", [F, U, T, U]),
        ("x between 0 and 2", [T, U, F, U]),
        ("x + y == 2", [T, U, U, U]),
        ("x == x", [T, U, T, U]),  # NaN is missing, not a value unequal to itself
        ("s == 'US'", [T, U, F, T]),
        ("o == 'US' or o isnull", [T, T, F, T]),
        ("s == 'US' or s isnull", [T, T, F, T]),
        ("d >= date('2024-02-01')", [F, U, T, T]),
        ("i >= 3", [F, U, T, T]),
        ("b", [T, U, F, T]),
        ("not b", [F, U, T, F]),
        ("(x - x) / (x - x) > 0", [U, U, U, U]),  # 0 / 0: undefined, so unknown
        ("x / (x - x) > 0", [T, U, T, U]),  # 1 / 0 is inf: a value
    ],
)
def test_missing_values_make_a_comparison_unknown(gaps, text, expected):
    truth = evaluate(parse_condition(text), text, gaps)
    got = [U if u else (T if t else F) for t, u in zip(truth.true, truth.unknown)]
    assert got == expected


@pytest.mark.parametrize(
    "text, reason, fragment",
    [
        ("s == 1", "invalid_rule", "cannot compare 's' (text) with 1 (a number) (column 3 of the rule)"),
        ("x + s > 0", "invalid_rule", "cannot compute 'x' (a number) + 's' (text)"),
        ("b > true", "invalid_rule", "booleans are compared with == or != only"),
        ("x and b", "invalid_rule", "'x' (a number) is not a condition"),
        ("s in [1, 2]", "invalid_rule", "cannot be in a list holding a number"),
        ("abs(s) > 1", "invalid_rule", "abs() takes a number or a duration"),
        ("days(x) > 1", "invalid_rule", "days() takes a duration"),
        ("xx > 1", "missing_column", "column 'xx' not found. Did you mean 'x'?"),
        ("d > date('2024-01-01T00:00+00:00')", "invalid_rule", "one date has a time zone"),
    ],
)
def test_what_the_data_cannot_support_is_an_input_error_naming_the_rule(gaps, text, reason, fragment):
    with pytest.raises(InputError) as info:
        evaluate(parse_condition(text), text, gaps)
    assert info.value.reason == reason
    assert fragment in str(info.value), str(info.value)
    assert str(info.value).startswith(f"rule `{text}`:")


def test_dates_with_zones_compare_as_instants():
    frame = pd.DataFrame(
        {"t": pd.to_datetime(["2024-01-01 00:30", "2024-01-01 01:30"]).tz_localize("Europe/Oslo")}
    )
    text = "t >= date('2024-01-01T00:00+00:00')"  # 00:30 in Oslo is 23:30 UTC the day before
    assert evaluate(parse_condition(text), text, frame).true.tolist() == [False, True]
    text = "days(t - date('2023-12-31T23:30+00:00')) == 0"
    assert evaluate(parse_condition(text), text, frame).true.tolist() == [True, False]


def test_not_of_a_constant_condition_is_false_not_minus_two(numbers):
    """Where pandas' eval reads `not (0 == 0)` as ~True == -2 (truthy), the rule language
    reads False: `a == a / c or not (0 == 0)` holds exactly where `a == a / c` does."""
    text = "a == (a / c) or not (0 == 0)"
    truth = evaluate(parse_condition(text), text, numbers)
    expected = (numbers["a"] == numbers["a"] / numbers["c"]).to_numpy()
    np.testing.assert_array_equal(truth.true, expected)
    assert 0 < expected.sum() < len(numbers)
