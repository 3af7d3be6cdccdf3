import pytest

from assistant.errors import UserError
from assistant.llm import VALID_FORMS, make_llm, parse_llm, smollm2_path
from assistant.settings import load_settings


@pytest.mark.parametrize(
    ("spec", "kind", "model", "url"),
    [
        ("smollm2", "smollm2", "smollm2", None),
        ("fake", "fake", "fake", None),
        ("openai:gpt-4o-mini", "openai", "gpt-4o-mini", None),
        (
            "openai:llama3@http://127.0.0.1:11434/v1",
            "openai",
            "llama3",
            "http://127.0.0.1:11434/v1",
        ),
    ],
)
def test_valid_specs(spec: str, kind: str, model: str, url: str | None) -> None:
    parsed = parse_llm(spec)
    assert (parsed.kind, parsed.model, parsed.base_url) == (kind, model, url)


@pytest.mark.parametrize("spec", ["gpt4", "openai:", "openai:m@ftp://x", "", "smollm3"])
def test_unknown_specs_list_the_valid_forms(spec: str) -> None:
    with pytest.raises(UserError) as info:
        parse_llm(spec)
    assert VALID_FORMS in str(info.value)


def test_openai_spec_builds_a_client_for_the_given_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_LLM", "openai:llama3@http://127.0.0.1:9/v1")
    llm = make_llm(load_settings())
    assert llm.model_name == "llama3"
    assert str(llm.openai_api_base) == "http://127.0.0.1:9/v1"


def test_bundled_gguf_is_installed() -> None:
    path = smollm2_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000
