import { saveImageGrid } from "../_dev_mod.ts";
import { rand } from "@nnc/tensor";
Deno.test('models_plot_image_grid.ts_160', async () => {
const dir = await Deno.makeTempDir();
await saveImageGrid(`${dir}/grid.png`, rand([4, 8, 8]), { scale: 2 });
console.assert((await Deno.stat(`${dir}/grid.png`)).size > 0);
await Deno.remove(dir, { recursive: true });

});
