"""nbconvert's ExecutePreprocessor with a grace period for late outputs of Deno's kernel.

Deno's Jupyter kernel (2.9) sometimes publishes a cell's outputs (execute_result, display_data,
stream) a few milliseconds *after* the cell's `status: idle` message. nbclient stops listening
for a cell at that idle message, so such outputs are lost from the executed notebook at random
(measured here: about one cell in ten, delays up to 15 ms). This preprocessor keeps listening for
`late_output_grace` seconds after idle and records what arrives for the same cell.

Used by tools/test_notebooks.ts as
  jupyter nbconvert --to notebook --Exporter.preprocessors=deno_execute.DenoExecutePreprocessor
  --DenoExecutePreprocessor.enabled=True ...
with this folder on PYTHONPATH. Errors fail exactly as with `--execute`.
"""
import asyncio
from queue import Empty

from jupyter_core.utils import ensure_async
from nbclient.exceptions import CellExecutionComplete
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import Float


class DenoExecutePreprocessor(ExecutePreprocessor):
    late_output_grace = Float(
        0.3, help="Seconds to keep collecting a cell's outputs after its idle status."
    ).tag(config=True)

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    break
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.late_output_grace
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=remaining))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass
