"""Say exactly what to install when a system library Rekindle needs is missing."""

import sys


def main() -> int:
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi)
    except OSError as exc:
        print(
            "WeasyPrint cannot load Pango, which PDF summaries need.\n"
            "On Debian or Ubuntu run:  sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 "
            "libharfbuzz-subset0 fonts-dejavu-core\n"
            f"(the error was: {exc})",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
