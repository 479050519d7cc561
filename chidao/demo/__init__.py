"""Demo and scale data (`chidao demo`), the top layer: it drives every app through their public services,
models and rules and the public bulk writer (`core.bulk`), and nothing imports it but its command and the tests.

- `program`: Program 01-CTr/TU with its history and meetings; the demo accounts and `DEMO_PASSWORD`.
- `people`: generated cadre records (`--people N`).
- `procedures`, `indicators`, `rotation`: the registry of procedures, the indicators and task force, a round.
- `scale`: performance data (`--scale city|national`).
"""
