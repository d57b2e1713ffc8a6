"""Format detection proposes the dataset_info.json entry LLaMA-Factory needs."""

from __future__ import annotations

from tui_ft.datasets import detect_format


def test_alpaca_with_system_and_history():
    recs = [{"instruction": "q", "input": "", "output": "a", "system": "s", "history": []}]
    d = detect_format(recs, "a.json")
    assert d.kind == "alpaca"
    assert d.entry == {
        "file_name": "a.json",
        "columns": {"prompt": "instruction", "query": "input", "response": "output",
                    "system": "system", "history": "history"},
    }  # fmt: skip


def test_sharegpt_default_tags():
    conv = [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "yo"}]
    d = detect_format([{"conversations": conv, "system": "s"}], "s.json")
    assert d.kind == "sharegpt"
    assert d.entry["formatting"] == "sharegpt"
    assert d.entry["columns"] == {"messages": "conversations", "system": "system"}
    assert d.entry["tags"]["user_tag"] == "human"
    assert d.entry["tags"]["assistant_tag"] == "gpt"


def test_sharegpt_custom_role_and_content_tags():
    conv = [
        {"speaker": "kunde", "text": "Hallo, wie geht es?"},
        {"speaker": "agent", "text": "Gut"},
    ]
    d = detect_format([{"dialog": conv}, {"dialog": conv}], "c.json")
    tags = d.entry["tags"]
    assert (tags["role_tag"], tags["content_tag"]) == ("speaker", "text")
    assert (tags["user_tag"], tags["assistant_tag"]) == ("kunde", "agent")
    assert d.entry["columns"]["messages"] == "dialog"
    assert any("custom role tags" in n for n in d.notes)


def test_openai_messages_become_sharegpt_with_role_content_tags():
    msgs = [{"role": "system", "content": "s"}, {"role": "user", "content": "q"},
            {"role": "assistant", "content": "a"}]  # fmt: skip
    d = detect_format([{"messages": msgs}], "o.jsonl")
    assert d.kind == "openai messages"
    assert d.entry["formatting"] == "sharegpt"
    assert d.entry["tags"] == {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                               "assistant_tag": "assistant", "system_tag": "system"}  # fmt: skip


def test_pretraining_text():
    d = detect_format([{"text": "a document"}], "c4.jsonl")
    assert d.kind == "pre-training text"
    assert d.entry["columns"] == {"prompt": "text"}


def test_preference_alpaca_and_sharegpt():
    d = detect_format([{"instruction": "q", "chosen": "good", "rejected": "bad"}], "p.json")
    assert d.kind == "preference (alpaca)"
    assert d.entry["ranking"] is True
    assert d.entry["columns"] == {
        "prompt": "instruction",
        "chosen": "chosen",
        "rejected": "rejected",
    }
    conv = [{"from": "human", "value": "q"}]
    rec = {"conversations": conv, "chosen": {"from": "gpt", "value": "g"},
           "rejected": {"from": "gpt", "value": "b"}}  # fmt: skip
    d = detect_format([rec], "p2.json")
    assert d.kind == "preference (sharegpt)"
    assert d.entry["ranking"] is True and d.entry["formatting"] == "sharegpt"
    assert d.entry["columns"]["chosen"] == "chosen"
