"""The refresh: every asset, raw files to the published warehouse, in one process.

The in-process executor runs this graph about twice as fast as the multiprocess one, and the
warehouse lock taken by the first step must be held by the process that publishes.
"""

import dagster as dg

refresh_job = dg.define_asset_job(
    name="refresh",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Rebuild the ICP warehouse from the input files and publish it.",
)
