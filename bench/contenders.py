"""The other engines as a user would run them, one process each: the exported pandera schema and GX suite.

Usage:
    python bench/contenders.py pandera EXTRACT.csv referral_schema.py
    python bench/contenders.py gx EXTRACT.csv referral_suite.json

Both read the CSV as text; GX gets it trimmed with blanks as null (its documented input), as a
pandas frame. Each prints how many failures it found, so a run that silently did nothing shows.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
import warnings
from pathlib import Path


def run_pandera(extract: str, module_path: str) -> int:
    """Validate the extract with the exported pandera schema; the number of failure cases."""
    import pandera.errors
    import polars as pl

    spec = importlib.util.spec_from_file_location(Path(module_path).stem, module_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        module.schema.validate(pl.read_csv(extract, infer_schema=False), lazy=True)
    except pandera.errors.SchemaErrors as err:
        return int(err.failure_cases.height)
    return 0


def run_gx(extract: str, suite_path: str) -> int:
    """Run the exported GX suite on a pandas frame of the extract; the total unexpected count."""
    warnings.simplefilter("ignore")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    import pandas as pd
    import polars as pl
    from great_expectations.data_context.types.base import ProgressBarsConfig

    raw = pl.read_csv(extract, infer_schema=False)
    text = raw.select(pl.col(name).str.strip_chars().replace("", None) for name in raw.columns)
    frame = pd.DataFrame({name: pd.Series(text[name].to_list(), dtype=object) for name in text.columns})
    del raw, text
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    suite = context.suites.add(gx.ExpectationSuite(**json.loads(Path(suite_path).read_text())))
    batch = context.data_sources.add_pandas("bench").add_dataframe_asset("extract")
    definition = context.validation_definitions.add(gx.ValidationDefinition(
        name="bench", data=batch.add_batch_definition_whole_dataframe("all"), suite=suite))
    result = definition.run(batch_parameters={"dataframe": frame}, result_format="BASIC")
    return sum(int(item.result.get("unexpected_count") or 0) for item in result.results)


if __name__ == "__main__":
    engine, extract, exported = sys.argv[1:4]
    found = run_pandera(extract, exported) if engine == "pandera" else run_gx(extract, exported)
    print(f"{engine}: {found} failures")
