"""The diagrams in docs/ are generated from the workflow declarations; they must not drift."""

from pathlib import Path

from typer.testing import CliRunner

from shouhou.cli.main import app

DOCS = Path(__file__).resolve().parents[1] / "docs"


class TestGeneratedDocs:
    def test_it_finds_the_docs_up_to_date(self):
        result = CliRunner().invoke(app, ["docs", "--check", "--folder", str(DOCS)])
        assert result.exit_code == 0, result.output

    def test_it_notices_a_stale_diagram(self, tmp_path):
        (tmp_path / "x.md").write_text("<!-- generated:workflows consultation -->\nold\n<!-- /generated -->\n")
        result = CliRunner().invoke(app, ["docs", "--check", "--folder", str(tmp_path)])
        assert result.exit_code == 1
        CliRunner().invoke(app, ["docs", "--folder", str(tmp_path)])
        text = (tmp_path / "x.md").read_text()
        assert "stateDiagram-v2" in text and "resolved --> closed: close" in text and "old" not in text
