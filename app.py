"""Launch the coopqa web chat and HTTP API (same as `coopqa serve`): http://127.0.0.1:7860/."""

from coopqa.serve.server import main

if __name__ == "__main__":
    raise SystemExit(main())
