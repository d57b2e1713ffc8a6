"""Every lint rule, with the exact position (file, line, record, field) it reports."""

from __future__ import annotations

import sys

import pytest

from tests.datasets.conftest import rules_at
from tui_ft.datasets import lint_file

SHAREGPT = {
    "file_name": "d.json",
    "formatting": "sharegpt",
    "columns": {"messages": "conversations"},
}


def _conv(*pairs):
    return {"conversations": [{"from": f, "value": v} for f, v in pairs]}


def test_clean_alpaca_has_no_findings(host, write_json):
    path = write_json([{"instruction": f"q{i}", "input": "", "output": f"a{i}"} for i in range(5)])
    report = lint_file(host, path)
    assert report.ok and report.findings == []
    assert report.records == 5 and report.kind == "alpaca"


def test_alpaca_rules_with_positions(host, write_json):
    path = write_json(
        [
            {"instruction": "ok", "output": "fine"},
            {"instruction": "no answer"},  # missing-field (record 1)
            {"instruction": "q", "output": "  "},  # empty-response
            {"instruction": 5, "output": "a"},  # wrong-type
            {"instruction": "q", "output": "a", "history": [["u", "a"], ["only one"]]},
            ["not", "an", "object"],
            {"instruction": "", "input": "", "output": "a"},  # empty-prompt
        ]
    )
    entry = {"file_name": "data.json", "columns": {"prompt": "instruction", "query": "input",
             "response": "output", "history": "history"}}  # fmt: skip
    report = lint_file(host, path, entry)
    (missing,) = rules_at(report, "missing-field")
    assert (missing.record, missing.field, missing.line) == (1, "output", 6)
    assert missing.path == path
    (empty,) = rules_at(report, "empty-response")
    assert (empty.record, empty.field) == (2, "output")
    (wrong,) = rules_at(report, "wrong-type")
    assert (wrong.record, wrong.field) == (3, "instruction")
    (hist,) = rules_at(report, "history-shape")
    assert (hist.record, hist.field) == (4, "history[1]")
    (notobj,) = rules_at(report, "not-object")
    assert notobj.record == 5
    (eprompt,) = rules_at(report, "empty-prompt")
    assert eprompt.record == 6 and eprompt.severity == "warning"
    assert report.errors == 5 and not report.ok


def test_history_must_be_a_list(host, write_json):
    path = write_json([{"instruction": "q", "output": "a", "history": "u: hi"}])
    entry = {"file_name": "d", "columns": {"prompt": "instruction", "response": "output",
                                           "history": "history"}}  # fmt: skip
    (f,) = rules_at(lint_file(host, path, entry), "history-shape")
    assert f.field == "history" and "not string" in f.message


def test_sharegpt_role_tags_alternation_count_system(host, write_json):
    path = write_json(
        [
            _conv(("human", "hi"), ("gpt", "hello")),
            _conv(("user", "hi"), ("gpt", "hello")),  # role-tag: `user` not mapped
            _conv(("human", "a"), ("human", "b"), ("gpt", "c"), ("gpt", "d")),  # alternation
            _conv(("human", "a"), ("gpt", "b"), ("human", "c")),  # turn-count
            _conv(("human", "a"), ("system", "s"), ("gpt", "b")),  # misplaced-system
            _conv(("human", "a"), ("gpt", "")),  # empty-response
            {"conversations": []},  # empty-conversation
            {"conversations": "human: hi"},  # wrong-type
            {"conversations": [{"from": "human"}, {"from": "gpt", "value": "x"}]},  # missing
        ]
    )
    report = lint_file(host, path, SHAREGPT)
    (tag,) = rules_at(report, "role-tag")
    assert (tag.record, tag.field) == (1, "conversations[0].from")
    assert "'user'" in tag.message
    alt = [f for f in rules_at(report, "alternation") if f.record == 2]
    assert alt and alt[0].field == "conversations[1]"
    assert [f.record for f in rules_at(report, "turn-count")] == [3]
    (sysf,) = rules_at(report, "misplaced-system")
    assert (sysf.record, sysf.field) == (4, "conversations[1]")
    (empty,) = rules_at(report, "empty-response")
    assert (empty.record, empty.field) == (5, "conversations[1].value")
    assert [f.record for f in rules_at(report, "empty-conversation")] == [6]
    assert [f.record for f in rules_at(report, "wrong-type")] == [7]
    (missing,) = rules_at(report, "missing-field")
    assert (missing.record, missing.field) == (8, "conversations[0].value")
    assert not rules_at(report, "role-tag")[1:]  # the clean record 0 has nothing
    assert not report.for_record(0)


def test_leading_system_message_is_fine(host, write_json):
    path = write_json([_conv(("system", "be brief"), ("human", "a"), ("gpt", "b"))])
    assert lint_file(host, path, SHAREGPT).ok


def test_custom_tags_checked_against_the_mapping(host, write_json):
    recs = [{"dialog": [{"speaker": "kunde", "text": "q"}, {"speaker": "agent", "text": "a"}]}]
    path = write_json(recs * 1 + [{"dialog": [{"speaker": "client", "text": "q"},
                                             {"speaker": "agent", "text": "a"}]}])  # fmt: skip
    report = lint_file(host, path)
    assert report.entry["tags"]["user_tag"] == "kunde"
    (tag,) = rules_at(report, "role-tag")
    assert (tag.record, tag.field) == (1, "dialog[0].speaker")


def test_format_instead_of_formatting_is_caught(host, write_json):
    """The classic: `format` is ignored, the data is read as alpaca, 'instruction' is missing."""
    path = write_json([_conv(("human", "a"), ("gpt", "b"))] * 2)
    entry = {"file_name": "data.json", "format": "sharegpt"}
    report = lint_file(host, path, entry, entry_source="dataset_info.json")
    (unknown,) = rules_at(report, "entry")
    assert unknown.field == "entry.format" and "`formatting`" in unknown.message
    (mismatch,) = [f for f in rules_at(report, "entry-mismatch") if f.field == "instruction"]
    assert "sharegpt" in mismatch.message
    assert not report.ok


def test_unknown_column_key_gets_a_hint(host, write_json):
    path = write_json([{"instruction": "q", "output": "a"}])
    entry = {"file_name": "d.json", "columns": {"instruction": "instruction", "respons": "output"}}
    fields = {f.field: f.message for f in rules_at(lint_file(host, path, entry), "entry")}
    assert '"prompt": "instruction"' in fields["entry.columns.instruction"]
    assert "`response`" in fields["entry.columns.respons"]


def test_duplicates_point_at_the_first(host, write_json):
    rec = {"instruction": "q", "output": "a"}
    path = write_json([rec, {"instruction": "other", "output": "b"}, dict(rec), dict(rec)])
    dups = rules_at(lint_file(host, path), "duplicate")
    assert [(f.record, f.message) for f in dups] == [
        (2, "same record as record 0"),
        (3, "same record as record 0"),
    ]


@pytest.mark.parametrize("numpy", [True, False], ids=["numpy", "base-install"])
def test_duplicates_without_numpy_match(host, write_json, monkeypatch, numpy):
    """A laptop with only the base install has no numpy: lint finds the same duplicates."""
    if not numpy:
        monkeypatch.setitem(sys.modules, "numpy", None)  # `import numpy` fails as if absent
    recs = [{"instruction": f"q{i % 7}", "output": "a"} for i in range(30)]
    dups = rules_at(lint_file(host, write_json(recs)), "duplicate")
    assert [(f.record, f.message) for f in dups] == [
        (i, f"same record as record {i % 7}") for i in range(7, 30)
    ]


def test_nested_duplicates(host, write_json):
    rec = _conv(("human", "a"), ("gpt", "b"))
    path = write_json([rec, rec])
    assert [f.record for f in rules_at(lint_file(host, path, SHAREGPT), "duplicate")] == [1]


def test_placeholders_found_and_counted(host, demo_workspace):
    report = lint_file(host, str(demo_workspace / "datasets" / "identity.json"))
    assert report.placeholders == {"author": 19, "name": 21}
    first = rules_at(report, "placeholder")[0]
    assert (first.record, first.line) == (0, 2)
    assert report.ok  # placeholders are warnings: registering is allowed


def test_parse_error_is_a_finding(host, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a"}\n{"text": "b",}\n')
    report = lint_file(host, str(path))
    (f,) = rules_at(report, "parse")
    assert f.line == 2 and not report.ok


def test_empty_file(host, write_json):
    report = lint_file(host, write_json([]))
    assert [f.rule for f in report.findings] == ["no-records"]


def test_preference_rules(host, write_json):
    path = write_json([
        {"instruction": "q", "chosen": "good", "rejected": "bad"},
        {"instruction": "q2", "chosen": "good", "rejected": ""},
        {"instruction": "q3", "chosen": "good"},
    ])  # fmt: skip
    report = lint_file(host, path)
    assert report.entry["ranking"] is True
    assert [(f.record, f.field) for f in rules_at(report, "empty-response")] == [(1, "rejected")]
    assert [(f.record, f.field) for f in rules_at(report, "missing-field")] == [(2, "rejected")]


def test_token_stats_with_the_demo_tokenizer(host, write_json, demo_model):
    recs = [
        {"instruction": "hi", "output": "hello"},
        {"instruction": "tell me " * 60, "output": "ok"},
    ]
    report = lint_file(host, write_json(recs), model=str(demo_model), cutoff_len=64)
    t = report.tokens
    assert t is not None and t.count == 2
    assert t.max > 64 >= t.min and t.over_cutoff == 1
    assert t.longest[0] == 1
    (long_,) = rules_at(report, "too-long")
    assert long_.record == 1 and f"{t.max} tokens" in long_.message
