"""Print where Rekindle runs and the demo logins, before the server starts."""

import os
import sys

port = sys.argv[1] if len(sys.argv) > 1 else "5000"
password = os.environ.get("REKINDLE_DEMO_PASSWORD", "rekindle-demo")
print(
    f"""
Rekindle is starting on http://127.0.0.1:{port}

Demo logins (password: {password})
  counselor@demo.rekindle.test    counselor with the demo couple's case
  counselor2@demo.rekindle.test   a second counselor
  alex@demo.rekindle.test         partner A of the demo couple
  sam@demo.rekindle.test          partner B of the demo couple
  admin@demo.rekindle.test        practice admin (no clinical content)
"""
)
