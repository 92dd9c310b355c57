"""The code blocks of docs/user_guide/text.md run, and print what the page says."""

from tests._docs_runner import USER_GUIDE, assert_code_blocks_print_what_they_claim


def test_user_guide_code_blocks_run_and_print_what_they_claim():
    assert_code_blocks_print_what_they_claim(USER_GUIDE / "text.md")
