"""MkDocs hook: docs/index.md is the repository's README.md (its ``docs/`` links made relative to the site).

The pages' other generated parts are Markdown in the repository, written by ``python -m bench.dev docs``.
"""

from pathlib import Path

FRONT_PAGE = "<!-- the front page: README.md, by docs/_hooks/pages.py -->"


def front_page(config):
    readme = Path(config.config_file_path).parent / "README.md"
    return readme.read_text().replace("](docs/", "](")


def on_page_markdown(markdown, page, config, files):
    if FRONT_PAGE in markdown:
        markdown = markdown.replace(FRONT_PAGE, front_page(config))
    return markdown
